import { hash } from '@node-rs/argon2';
import pg from 'pg';

export const BENCH_PASSWORD = 'bench-password-0123';
export const benchUsername = (i) => `bench_${i}`;
export const benchSlug = (i) => `bench-article-${i}`;
/** The article with 50,000 approved comments (plus pending and rejected ones): deep pages and signed-in lists. */
export const BIG_SLUG = 'bench-article-big';
/** Index of the user whose pending comments sit on the big article (the signed-in reader scenario). */
export const BIG_READER = 3;
/**
 * Users from this index on gave the seeded reactions; the signed-in scenarios' readers (bench_3 … bench_202 by
 * default) come before it, so every reaction the `react` scenario makes is a new one.
 */
export const FIRST_REACTOR = 1001;
/** The reaction kind of the seeded reactions and of the `react` scenario (REACTION_KINDS' default). */
export const BENCH_REACTION = 'like';

// Same parameters as src/auth/password.service.ts, so the benchmark login path costs what production's does.
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * Seeds a realistic data set with set-based SQL (a few seconds for 200k comments):
 * - users 1..N share one argon2id hash of BENCH_PASSWORD; user 1 is a moderator, user 2 an admin;
 * - articles 1..M, comment volume skewed towards low numbers (article 1 is the "hot" one);
 * - 80% top-level comments, 20% replies; statuses ~70% approved, 15% pending, 10% rejected, 5% spam; 3% deleted;
 * - BIG_SLUG: `big` approved comments (3% deleted, kept as placeholders), 6% as many pending, 4% rejected, over 60
 *   days with ties; user BIG_READER has 10 pending comments spread over it;
 * - reactions on BIG_SLUG's approved, not deleted comments, skewed like a news site's (a Pareto tail: about half
 *   have none, one in ten has 6 or more, the most liked ones hundreds to 2,000), given by users FIRST_REACTOR and
 *   up (never by the comment's author), so sort=top is not the newest order; `reactions` and `reaction_count` set
 *   from those rows (what recount checks). The top order is live, not a periodically frozen score
 *   (docs/api.md, "Comment orders"): there is nothing to refresh after seeding;
 * - articles.approved_comment_count and users.approved_comment_count set exactly from the rows.
 */
export async function seed(url, { users = 10_000, articles = 1_000, comments = 200_000, big = 50_000 } = {}) {
  const passwordHash = await hash(BENCH_PASSWORD, ARGON2ID);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(
      `INSERT INTO users (id, email, username, username_normalized, password_hash, role, created_at, updated_at)
       SELECT gen_random_uuid(), 'bench_' || i || '@bench.example', 'bench_' || i, 'bench_' || i, $1,
              (CASE i WHEN 1 THEN 'moderator' WHEN 2 THEN 'admin' ELSE 'reader' END)::"Role",
              now() - make_interval(mins => i), now()
       FROM generate_series(1, $2::int) i`,
      [passwordHash, users],
    );
    await db.query(
      `INSERT INTO articles (id, slug, title, blocks, published_at, updated_at)
       SELECT gen_random_uuid(), 'bench-article-' || i, 'Bench article ' || i,
              jsonb_build_array(jsonb_build_object('type', 'paragraph', 'text', repeat('Текст на статията. ', 40))),
              now() - make_interval(hours => i), now()
       FROM generate_series(1, $1::int) i`,
      [articles],
    );
    await db.query(
      `CREATE TEMP TABLE u ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY username) AS n, id FROM users WHERE username LIKE 'bench\\_%'`,
    );
    await db.query(
      `CREATE TEMP TABLE a ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY published_at DESC) AS n, id FROM articles WHERE slug LIKE 'bench-article-%'`,
    );
    await db.query('CREATE UNIQUE INDEX ON u (n); CREATE UNIQUE INDEX ON a (n); ANALYZE u; ANALYZE a');
    const topLevel = Math.round(comments * 0.8);
    // power(random(), 2) skews towards article 1; statuses and deletion come from independent draws.
    const statusAndDeletion = `
      (CASE WHEN s < 0.70 THEN 'approved' WHEN s < 0.85 THEN 'pending' WHEN s < 0.95 THEN 'rejected' ELSE 'spam' END)::"CommentStatus",
      CASE WHEN d < 0.03 THEN created + interval '1 hour' END`;
    await db.query(
      `INSERT INTO comments (id, article_id, author_id, depth, body, status, deleted_at, created_at, updated_at)
       SELECT gen_random_uuid(), a.id, u.id, 0, 'Коментар ' || g.i || ': ' || repeat(md5(g.i::text) || ' ', 1 + g.i % 6),
              ${statusAndDeletion}, created, created
       FROM (SELECT i, 1 + floor($2::int * power(random(), 2))::int AS an, 1 + floor($3::int * random())::int AS un,
                    random() AS s, random() AS d, now() - random() * interval '90 days' AS created
             FROM generate_series(1, $1::int) i) g
       JOIN a ON a.n = g.an JOIN u ON u.n = g.un`,
      [topLevel, articles, users],
    );
    await db.query(
      `INSERT INTO comments (id, article_id, author_id, parent_id, root_id, depth, body, status, deleted_at, created_at, updated_at)
       SELECT gen_random_uuid(), p.article_id, u.id, p.id, p.id, 1, 'Отговор ' || p.i || ': ' || repeat(md5(p.id::text) || ' ', 1 + (p.i % 3)::int),
              ${statusAndDeletion}, created, created
       FROM (SELECT c.id, c.article_id, row_number() OVER () AS i, 1 + floor($2::int * random())::int AS un,
                    random() AS s, random() AS d, least(now(), c.created_at + random() * interval '1 day') AS created
             FROM comments c JOIN a ON a.id = c.article_id ORDER BY random() LIMIT $1::int) p
       JOIN u ON u.n = p.un`,
      [comments - topLevel, users],
    );
    await db.query(
      `INSERT INTO articles (id, slug, title, blocks, published_at, updated_at)
       VALUES (gen_random_uuid(), $1, 'Bench article with many comments',
               jsonb_build_array(jsonb_build_object('type', 'paragraph', 'text', repeat('Текст на статията. ', 40))), now() - interval '30 minutes', now())`,
      [BIG_SLUG],
    );
    // i < big: approved; then 6% pending, 4% rejected. Two comments share each timestamp (the id breaks ties).
    await db.query(
      `INSERT INTO comments (id, article_id, author_id, depth, body, status, deleted_at, created_at, updated_at)
       SELECT gen_random_uuid(), (SELECT id FROM articles WHERE slug = $1), u.id, 0,
              'Коментар ' || g.i || ': ' || repeat(md5(g.i::text) || ' ', 1 + g.i % 4),
              (CASE WHEN g.i <= $2::int THEN 'approved' WHEN g.i % 10 < 6 THEN 'pending' ELSE 'rejected' END)::"CommentStatus",
              CASE WHEN g.i % 33 = 0 THEN g.created + interval '1 hour' END, g.created, g.created
       FROM (SELECT i, now() - interval '60 days' + make_interval(secs => (i / 2) * 50) AS created, 1 + floor($3::int * random())::int AS un
             FROM generate_series(1, ($2::int * 110) / 100) i) g
       JOIN u ON u.n = g.un`,
      [BIG_SLUG, big, users],
    );
    await db.query(
      `INSERT INTO comments (id, article_id, author_id, depth, body, status, created_at, updated_at)
       SELECT gen_random_uuid(), (SELECT id FROM articles WHERE slug = $1), (SELECT id FROM users WHERE username = $2), 0,
              'Чакащ коментар ' || i, 'pending', now() - interval '60 days' + make_interval(days => i * 6), now()
       FROM generate_series(1, 10) i`,
      [BIG_SLUG, benchUsername(BIG_READER)],
    );
    await db.query(`UPDATE comments SET deleted_by_id = author_id WHERE deleted_at IS NOT NULL AND deleted_by_id IS NULL`);
    // n = floor(1 / random()^(1/1.2)) - 1: P(n ≥ k) = (k + 1)^-1.2, capped at 2,000; consecutive reactors from a
    // random one, the author skipped. (Table u numbers users in username order, not by their index.)
    await db.query(
      `CREATE TEMP TABLE r ON COMMIT DROP AS
       SELECT i - ${FIRST_REACTOR} AS n, users.id FROM generate_series(${FIRST_REACTOR}, ${Number(users)}) i JOIN users ON users.username = 'bench_' || i;
       CREATE UNIQUE INDEX ON r (n); ANALYZE r`,
    );
    await db.query(
      `INSERT INTO comment_reactions (comment_id, user_id, kind, created_at)
       SELECT c.id, r.id, $3, c.created_at + interval '1 minute'
       FROM (SELECT id, author_id, created_at, floor(random() * $2::int)::int AS off,
                    least(2000, $2::int, floor(power(1 - random(), -1 / 1.2)) - 1)::int AS n
             FROM comments
             WHERE article_id = (SELECT id FROM articles WHERE slug = $1) AND status = 'approved' AND deleted_at IS NULL) c
       CROSS JOIN LATERAL generate_series(0, c.n - 1) j
       JOIN r ON r.n = (c.off + j) % $2::int
       WHERE r.id <> c.author_id`,
      [BIG_SLUG, users - FIRST_REACTOR + 1, BENCH_REACTION],
    );
    await db.query(
      `UPDATE comments c SET reaction_count = r.n, reactions = jsonb_build_object($1::text, r.n)
       FROM (SELECT comment_id, count(*)::int AS n FROM comment_reactions GROUP BY 1) r WHERE c.id = r.comment_id`,
      [BENCH_REACTION],
    );
    for (const table of ['articles', 'users']) {
      const fk = table === 'articles' ? 'article_id' : 'author_id';
      await db.query(
        `UPDATE ${table} t SET approved_comment_count = coalesce(c.n, 0)
         FROM ${table} t2 LEFT JOIN (SELECT ${fk} AS id, count(*)::int AS n FROM comments
                                     WHERE status = 'approved' AND deleted_at IS NULL GROUP BY 1) c ON c.id = t2.id
         WHERE t.id = t2.id AND t.approved_comment_count IS DISTINCT FROM coalesce(c.n, 0)`,
      );
    }
    await db.query('COMMIT');
    await db.query('VACUUM (ANALYZE) users, articles, comments, comment_reactions');
    const { rows } = await db.query(
      `SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM articles) AS articles,
              (SELECT count(*)::int FROM comments) AS comments,
              (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM comments GROUP BY 1) s) AS by_status,
              (SELECT count(*)::int FROM comments WHERE deleted_at IS NOT NULL) AS deleted,
              (SELECT count(*)::int FROM comments WHERE parent_id IS NOT NULL) AS replies,
              (SELECT max(approved_comment_count) FROM articles WHERE slug <> '${BIG_SLUG}') AS hottest,
              (SELECT count(*)::int FROM comments WHERE article_id = (SELECT id FROM articles WHERE slug = '${BIG_SLUG}')) AS big_comments,
              (SELECT approved_comment_count FROM articles WHERE slug = '${BIG_SLUG}') AS big_approved,
              (SELECT count(*)::int FROM comment_reactions) AS reactions,
              (SELECT json_build_object('none', count(*) FILTER (WHERE reaction_count = 0), '1-5', count(*) FILTER (WHERE reaction_count BETWEEN 1 AND 5),
                                        '6-50', count(*) FILTER (WHERE reaction_count BETWEEN 6 AND 50), 'over 50', count(*) FILTER (WHERE reaction_count > 50),
                                        'max', max(reaction_count))
               FROM comments WHERE article_id = (SELECT id FROM articles WHERE slug = '${BIG_SLUG}') AND status = 'approved' AND deleted_at IS NULL) AS big_reactions`,
    );
    return rows[0];
  } catch (err) {
    await db.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await db.end();
  }
}

/**
 * Ids of pending, not deleted comments in a fixed random order (not the signed-in reader's: that scenario needs
 * them pending). The decision scenario walks this list, approving on the first pass, rejecting on the second, …
 */
export async function pendingCommentIds(url, limit) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT id FROM comments
       WHERE status = 'pending' AND deleted_at IS NULL AND author_id <> (SELECT id FROM users WHERE username = $2)
       ORDER BY md5(id::text) LIMIT $1`,
      [limit, benchUsername(BIG_READER)],
    );
    return rows.map((r) => r.id);
  } finally {
    await db.end();
  }
}

/**
 * The keyset of the n-th comment (0-based) a reader sees on `slug` in a `sort` order (`oldest`, `newest` or `top`,
 * the service's ORDER BY): the cursor of a deep page (`s`, the score, in the top order).
 */
export async function listKeyAt(url, slug, n, sort = 'oldest') {
  const order = {
    oldest: 'c.created_at, c.id',
    newest: 'c.created_at DESC, c.id DESC',
    top: 'c.reaction_count DESC, c.created_at DESC, c.id DESC',
  }[sort];
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT c.created_at AS t, c.id, c.reaction_count AS s FROM comments c JOIN articles a ON a.id = c.article_id
       WHERE a.slug = $1 AND c.status = 'approved' ORDER BY ${order} OFFSET $2 LIMIT 1`,
      [slug, n],
    );
    const key = { t: rows[0].t.toISOString(), id: rows[0].id };
    return sort === 'top' ? { ...key, s: rows[0].s } : key;
  } finally {
    await db.end();
  }
}

/**
 * The react scenario's comments: BIG_SLUG's approved, not deleted comments whose author is none of `readers`
 * (usernames), in a fixed random order.
 */
export async function reactableCommentIds(url, readers) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT c.id FROM comments c JOIN articles a ON a.id = c.article_id
       WHERE a.slug = $1 AND c.status = 'approved' AND c.deleted_at IS NULL
         AND c.author_id NOT IN (SELECT id FROM users WHERE username = ANY($2::text[]))
       ORDER BY md5(c.id::text)`,
      [BIG_SLUG, readers],
    );
    return rows.map((r) => r.id);
  } finally {
    await db.end();
  }
}
