import pg from 'pg';
import type { Prisma } from '../../../src/generated/prisma/client.js';
import { auditPageSql } from '../../../src/moderation/audit-log.service.js';
import { queuePageSql } from '../../../src/moderation/moderation-queue.repository.js';
import { ARTICLE_PAGE } from '../../../src/articles/articles.sql.js';
import { commentPageStatement } from '../../../src/comment-core/comment-reads.sql.js';
import { REPLY_COUNT_CAP, threadPageStatement } from '../../../src/threads/threads.sql.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';

/**
 * Keyset pages are bound by their index: the deepest page of a 50,000-comment article reads about as many index
 * entries as the first page, and none it throws away. Checked on PostgreSQL's actual plans (EXPLAIN ANALYZE), for
 * both the custom plan (first executions of a prepared statement) and the generic plan (what a pooled connection
 * settles on), on the exact SQL the services send.
 */

const LIMIT = 20;
const N = 50_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

let db: ScratchDatabase;
let client: pg.Client;
let big: { id: string; slug: string };
let viewer: string;
let moderator: string;
let root: string;
/** The viewer's pending comments on other articles: the only rows the signed-in page may skip. */
let viewerPendingElsewhere: number;

function scansOf(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name']) out.push(node);
  for (const child of node.Plans ?? []) scansOf(child, out);
  return out;
}

/** What is wrong with a plan: sequential scans, or index scans that read more than a page or discard rows. */
function waste(plan: PlanNode, opts: { maxRows: number; maxDiscarded?: number }): string[] {
  const problems: string[] = [];
  for (const s of scansOf(plan)) {
    // A node that never ran read nothing: the open notices of a queue item, looked up only for a comment under
    // notice (a one-time filter; on an empty notices table the planner's choice inside it is a sequential scan).
    if (s['Actual Loops'] === 0) continue;
    const where = `${s['Node Type']} on ${s['Relation Name']}${s['Index Name'] ? ` (${s['Index Name']})` : ''}`;
    if (!/^Index( Only)? Scan$/.test(s['Node Type'])) problems.push(`${where}: not an index scan`);
    if (s['Actual Rows'] > opts.maxRows) problems.push(`${where}: ${s['Actual Rows']} rows per loop`);
    const discarded = (s['Rows Removed by Filter'] ?? 0) + (s['Rows Removed by Index Recheck'] ?? 0);
    if (discarded > (opts.maxDiscarded ?? 0)) problems.push(`${where}: ${discarded} rows read and discarded`);
  }
  return problems;
}

const literal = (v: unknown) => (v === null ? 'NULL' : client.escapeLiteral(v instanceof Date ? v.toISOString() : String(v)));

/** EXPLAIN ANALYZE of `text` run as a prepared statement under the given plan cache mode. */
async function explain(text: string, values: unknown[], mode: 'force_custom_plan' | 'force_generic_plan'): Promise<PlanNode> {
  await client.query(`SET plan_cache_mode = ${mode}`);
  await client.query(`PREPARE page AS ${text}`);
  try {
    const args = values.length ? `(${values.map(literal).join(', ')})` : '';
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page${args}`);
    return rows[0]!['QUERY PLAN'][0]!.Plan;
  } finally {
    await client.query('DEALLOCATE page');
  }
}

const MODES = ['force_custom_plan', 'force_generic_plan'] as const;
// Prisma sends $queryRaw as unnamed statements, planned with their values every time: only custom plans occur.
const CUSTOM_ONLY = ['force_custom_plan'] as const;
const prismaSql = (s: Prisma.Sql) => ({ text: s.text, values: s.values as unknown[] });

/** The key of the n-th row (0-based) of `sql` (which must select created_at and id in page order). */
async function keyAt(sql: string, values: readonly unknown[], n: number) {
  const { rows } = await client.query<{ t: Date; id: string }>(`${sql} OFFSET ${n} LIMIT 1`, [...values]);
  return rows[0]!;
}

beforeAll(async () => {
  db = await scratchDatabase('keyset', { migrated: true });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(`
    INSERT INTO users (id, email, username, username_normalized, password_hash, role, created_at, updated_at)
    SELECT gen_random_uuid(), 'k' || i || '@keyset.test', 'k' || i, 'k' || i, 'x', (CASE i WHEN 1 THEN 'moderator' ELSE 'reader' END)::"Role", now(), now()
    FROM generate_series(1, 5000) i`);
  await client.query(`
    INSERT INTO articles (id, slug, title, blocks, published_at, updated_at)
    SELECT gen_random_uuid(), 'keyset-' || i, 'Keyset ' || i, '[]', timestamptz '2026-01-01' - make_interval(mins => i / 2), now()
    FROM generate_series(1, 2000) i`);
  // 50,000 comments on one article: 70% approved, 15% pending, 10% rejected, 5% spam, three per timestamp (ties),
  // 3% deleted; 500 authors in turn.
  await client.query(`
    INSERT INTO comments (id, article_id, author_id, depth, body, status, deleted_at, created_at, updated_at)
    SELECT gen_random_uuid(), (SELECT id FROM articles WHERE slug = 'keyset-1'), u.id, 0, 'comment ' || i,
           (CASE WHEN i % 20 < 14 THEN 'approved' WHEN i % 20 < 17 THEN 'pending' WHEN i % 20 < 19 THEN 'rejected' ELSE 'spam' END)::"CommentStatus",
           CASE WHEN i % 33 = 0 THEN timestamptz '2026-03-01' END,
           timestamptz '2026-01-01' + make_interval(secs => i / 3), now()
    FROM generate_series(1, ${N}) i JOIN (SELECT row_number() OVER (ORDER BY id) AS n, id FROM users) u ON u.n = 1 + i % 500`);
  await client.query(`
    INSERT INTO comment_reports (id, comment_id, reporter_id, reason, created_at)
    SELECT gen_random_uuid(), c.id, (SELECT id FROM users ORDER BY id DESC LIMIT 1), 'spam', now()
    FROM (SELECT id FROM comments ORDER BY id LIMIT 2000) c`);
  // Why comments were held (src/holds): the word filter held one in ten pending comments.
  await client.query(`
    INSERT INTO comment_holds (comment_id, source, rule, matched, created_at)
    SELECT id, 'word_filter', 'suspect', ARRAY['x'], created_at FROM comments WHERE status = 'pending' AND hashtext(id::text) % 10 = 0`);
  await client.query(`UPDATE comments SET report_count = 1 WHERE id IN (SELECT comment_id FROM comment_reports)`);
  // A thread of 5,000 approved replies under one top-level comment, and the viewer's pending comments elsewhere.
  await client.query(`
    WITH r AS (SELECT id, article_id FROM comments WHERE status = 'approved' ORDER BY created_at, id LIMIT 1)
    INSERT INTO comments (id, article_id, author_id, parent_id, root_id, depth, body, status, created_at, updated_at)
    SELECT gen_random_uuid(), r.article_id, (SELECT id FROM users ORDER BY id LIMIT 1), r.id, r.id, 1, 'reply ' || i, 'approved',
           timestamptz '2026-02-01' + make_interval(secs => i), now()
    FROM r, generate_series(1, 5000) i`);
  ({
    rows: [big],
  } = await client.query<{ id: string; slug: string }>(`SELECT id, slug FROM articles WHERE slug = 'keyset-1'`));
  // Scores for sort=top and sort=replies (0-63 reactions, 0-15 replies: many ties, broken by time), and one
  // editors' pick in 500.
  await client.query(
    `UPDATE comments SET reaction_count = hashtext(id::text) & 63, reply_count = (hashtext(id::text) >> 8) & 15,
                         featured_at = CASE WHEN hashtext(id::text) % 500 = 0 THEN now() END
     WHERE article_id = $1 AND parent_id IS NULL`,
    [big.id],
  );
  await client.query(`UPDATE comments SET reaction_count = hashtext(id::text) & 7 WHERE parent_id IS NOT NULL`);
  // Reactions (a signed-in reader's page shows theirs, looked up by primary key): 40,000 rows, the viewer's among them.
  await client.query(
    `INSERT INTO comment_reactions (comment_id, user_id, kind)
     SELECT c.id, u.id, 'like' FROM (SELECT id FROM comments WHERE article_id = $1 ORDER BY id LIMIT 20000) c
     CROSS JOIN (SELECT id FROM users ORDER BY id LIMIT 2) u`,
    [big.id],
  );
  ({
    rows: [{ id: root }],
  } = await client.query<{ id: string }>(`SELECT DISTINCT root_id AS id FROM comments WHERE root_id IS NOT NULL`));
  ({
    rows: [{ id: viewer }],
  } = await client.query<{ id: string }>(
    `SELECT author_id AS id FROM comments WHERE article_id = $1 AND status = 'pending' AND deleted_at IS NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    [big.id],
  ));
  viewerPendingElsewhere = 5;
  await client.query(
    `INSERT INTO comments (id, article_id, author_id, depth, body, status, created_at, updated_at)
     SELECT gen_random_uuid(), (SELECT id FROM articles WHERE slug = 'keyset-2'), $1, 0, 'elsewhere ' || i, 'pending', timestamptz '2026-06-01' + make_interval(secs => i), now()
     FROM generate_series(1, $2::int) i`,
    [viewer, viewerPendingElsewhere],
  );
  ({
    rows: [{ id: moderator }],
  } = await client.query<{ id: string }>(`SELECT id FROM users WHERE role = 'moderator'`));
  await client.query(
    `INSERT INTO moderation_actions (id, comment_id, moderator_id, action, from_status, to_status, created_at)
     SELECT gen_random_uuid(), c.id, CASE WHEN c.n % 2 = 0 THEN $1::uuid END, 'approve', 'pending', 'approved', c.created_at + interval '1 hour'
     FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS n FROM comments WHERE article_id = $2 LIMIT 30000) c`,
    [moderator, big.id],
  );
  await client.query('ANALYZE');
}, 120_000);

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('keyset pages on a 50,000-comment article', () => {
  const approvedAsc = () =>
    [`SELECT created_at AS t, id FROM comments WHERE article_id = $1 AND status = 'approved' ORDER BY created_at, id`, [big.id]] as const;

  it.each(MODES)('should read no discarded rows for the deepest public page, oldest and newest first (%s)', async (mode) => {
    const {
      rows: [{ n }],
    } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM comments WHERE article_id = $1 AND status = 'approved'`, [
      big.id,
    ]);
    const last = await keyAt(...approvedAsc(), n - LIMIT / 2);
    const asc = await explain(
      commentPageStatement({ scope: 'article', sort: 'asc', signedIn: false, featured: false }).text,
      [big.slug, last.t, last.id, LIMIT],
      mode,
    );
    expect(waste(asc, { maxRows: LIMIT + 1 })).toEqual([]);
    const first = await keyAt(...approvedAsc(), LIMIT / 2);
    const desc = await explain(
      commentPageStatement({ scope: 'article', sort: 'desc', signedIn: false, featured: false }).text,
      [big.slug, first.t, first.id, LIMIT],
      mode,
    );
    expect(waste(desc, { maxRows: LIMIT + 1 })).toEqual([]);
  });

  it.each(MODES)(
    'should read no discarded rows for the deepest page by reactions and by replies, article and thread (%s)',
    async (mode) => {
      const scoreKeyAt = async (score: string, where: string, values: unknown[], n: number) => {
        const { rows } = await client.query<{ s: number; t: Date; id: string }>(
          `SELECT ${score} AS s, created_at AS t, id FROM comments WHERE ${where} ORDER BY ${score} DESC, created_at DESC, id DESC OFFSET ${n} LIMIT 1`,
          values,
        );
        return rows[0]!;
      };
      const approved = `article_id = $1 AND status = 'approved'`;
      const {
        rows: [{ n }],
      } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM comments WHERE ${approved}`, [big.id]);
      for (const [sort, score] of [
        ['top', 'reaction_count'],
        ['replies', 'reply_count'],
      ] as const) {
        for (const at of [LIMIT / 2, n - LIMIT / 2]) {
          const key = await scoreKeyAt(score, approved, [big.id], at);
          const plan = await explain(
            commentPageStatement({ scope: 'article', sort, signedIn: false, featured: false }).text,
            [big.slug, key.t, key.id, LIMIT, key.s],
            mode,
          );
          expect(waste(plan, { maxRows: LIMIT + 1 }), `${sort} at ${at}`).toEqual([]);
        }
      }
      const inThread = `root_id = $1 AND status = 'approved'`;
      const deep = await scoreKeyAt('reaction_count', inThread, [root], 5000 - LIMIT / 2);
      const thread = await explain(
        commentPageStatement({ scope: 'root', sort: 'top', signedIn: false, featured: false }).text,
        [big.slug, deep.t, deep.id, LIMIT, deep.s, root],
        mode,
      );
      expect(waste(thread, { maxRows: LIMIT + 1 })).toEqual([]);
      const signedIn = await explain(
        commentPageStatement({ scope: 'article', sort: 'top', signedIn: true, featured: false }).text,
        [big.slug, deep.t, deep.id, LIMIT, 30, viewer],
        mode,
      );
      expect(scansOf(signedIn).filter((s) => s['Relation Name'] === 'comments')).toHaveLength(2);
      // The reader's own pending comments are found through their index and ordered after: bounded by their count.
      for (const s of scansOf(signedIn)) expect(s['Node Type']).not.toBe('Seq Scan');
    },
  );

  it.each(MODES)("should read only the editors' picks for featured=true (%s)", async (mode) => {
    const {
      rows: [{ picks }],
    } = await client.query<{ picks: number }>(
      `SELECT count(*)::int AS picks FROM comments WHERE article_id = $1 AND status = 'approved' AND featured_at IS NOT NULL`,
      [big.id],
    );
    expect(picks).toBeGreaterThan(LIMIT);
    const plan = await explain(
      commentPageStatement({ scope: 'article', sort: 'desc', signedIn: false, featured: true }).text,
      [big.slug, 'infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff', LIMIT],
      mode,
    );
    expect(waste(plan, { maxRows: LIMIT + 1 })).toEqual([]);
  });

  it.each(MODES)("should merge two index scans for a signed-in reader's deepest page (%s)", async (mode) => {
    const {
      rows: [{ n }],
    } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM comments WHERE article_id = $1 AND status = 'approved'`, [
      big.id,
    ]);
    const last = await keyAt(...approvedAsc(), n - LIMIT * 3);
    const plan = await explain(
      commentPageStatement({ scope: 'article', sort: 'asc', signedIn: true, featured: false }).text,
      [big.slug, last.t, last.id, LIMIT, viewer],
      mode,
    );
    const scans = scansOf(plan).filter((s) => s['Relation Name'] === 'comments');
    expect(scans).toHaveLength(2);
    // The second scan walks this reader's pending comments; those on other articles are all it may skip.
    expect(waste(plan, { maxRows: LIMIT + 1, maxDiscarded: viewerPendingElsewhere })).toEqual([]);
  });

  it.each(MODES)('should read a page of threads from the top-level index, replies and counts bounded (%s)', async (mode) => {
    // The oldest top-level comments, newest first: the page holds the root of the 5,000-reply thread.
    const top = `SELECT created_at AS t, id FROM comments WHERE article_id = $1 AND status = 'approved' AND parent_id IS NULL ORDER BY created_at, id`;
    const key = await keyAt(top, [big.id], LIMIT - 1);
    const plan = await explain(threadPageStatement('desc', false).text, [big.slug, key.t, key.id, LIMIT, 3], mode);
    expect(waste(plan, { maxRows: REPLY_COUNT_CAP })).toEqual([]);
    const scans = scansOf(plan).filter((s) => s['Relation Name'] === 'comments');
    expect(scans.find((s) => s['Index Name'] === 'comments_top_level_idx')?.['Actual Rows']).toBeLessThanOrEqual(LIMIT + 1);
    const signedIn = await explain(threadPageStatement('desc', true).text, [big.slug, key.t, key.id, LIMIT, 3, viewer], mode);
    // A signed-in reader's own pending replies are looked up per thread through their pending comments (or both
    // indexes at once): what it may skip is bounded by that reader's pending comments, never the article's.
    const {
      rows: [{ pending }],
    } = await client.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM comments WHERE author_id = $1 AND status = 'pending'`,
      [viewer],
    );
    for (const s of scansOf(signedIn)) {
      expect(s['Node Type']).not.toBe('Seq Scan');
      expect(s['Rows Removed by Filter'] ?? 0).toBeLessThanOrEqual(pending);
    }
  });

  it.each(MODES)('should read a deep page of threads by reactions from the top-level index (%s)', async (mode) => {
    const {
      rows: [key],
    } = await client.query<{ s: number; t: Date; id: string }>(
      `SELECT reaction_count AS s, created_at AS t, id FROM comments WHERE article_id = $1 AND status = 'approved' AND parent_id IS NULL
       ORDER BY reaction_count DESC, created_at DESC, id DESC OFFSET 30000 LIMIT 1`,
      [big.id],
    );
    const plan = await explain(threadPageStatement('top', false).text, [big.slug, key!.t, key!.id, LIMIT, 0, key!.s], mode);
    expect(waste(plan, { maxRows: REPLY_COUNT_CAP })).toEqual([]);
    const scans = scansOf(plan).filter((s) => s['Relation Name'] === 'comments');
    expect(scans.find((s) => s['Index Name'] === 'comments_top_level_top_idx')?.['Actual Rows']).toBeLessThanOrEqual(LIMIT + 1);
  });

  it.each(MODES)('should read no discarded rows for the deepest page of a 5,000-reply thread (%s)', async (mode) => {
    const last = await keyAt(
      `SELECT created_at AS t, id FROM comments WHERE root_id = $1 ORDER BY created_at, id`,
      [root],
      5000 - LIMIT / 2,
    );
    const plan = await explain(
      commentPageStatement({ scope: 'root', sort: 'asc', signedIn: false, featured: false }).text,
      [big.slug, last.t, last.id, LIMIT, root],
      mode,
    );
    expect(waste(plan, { maxRows: LIMIT + 1 })).toEqual([]);
  });

  it.each(CUSTOM_ONLY)(
    'should read no discarded rows for the deepest page of the pending queue, overall and per article (%s)',
    async (mode) => {
      const pending = `SELECT created_at AS t, id FROM comments WHERE status = 'pending' AND deleted_at IS NULL ORDER BY created_at, id`;
      const {
        rows: [{ n }],
      } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM comments WHERE status = 'pending' AND deleted_at IS NULL`);
      const last = await keyAt(pending, [], n - LIMIT - 30);
      for (const articleId of [undefined, big.id]) {
        const { text, values } = prismaSql(queuePageSql({ status: 'pending', articleId, after: last, limit: LIMIT }));
        const plan = await explain(text, values, mode);
        // Deleted comments are kept out by a filter: the 3% of them in this page's range are all it may skip.
        expect(waste(plan, { maxRows: LIMIT + 1, maxDiscarded: 3 })).toEqual([]);
      }
    },
  );

  it.each(CUSTOM_ONLY)('should read no discarded rows for the deepest audit log page, overall and per moderator (%s)', async (mode) => {
    const audit = await keyAt(
      `SELECT created_at AS t, id FROM moderation_actions ORDER BY created_at DESC, id DESC`,
      [],
      30_000 - LIMIT / 2,
    );
    for (const moderatorId of [undefined, moderator]) {
      const { text, values } = prismaSql(auditPageSql({ moderator: moderatorId, after: audit, limit: LIMIT }));
      expect(waste(await explain(text, values, mode), { maxRows: LIMIT + 1 })).toEqual([]);
    }
  });

  it.each(MODES)('should read no discarded rows for the deepest page of articles (%s)', async (mode) => {
    const article = await keyAt(`SELECT published_at AS t, id FROM articles ORDER BY published_at DESC, id DESC`, [], 2000 - LIMIT / 2);
    const plan = await explain(ARTICLE_PAGE.text, [article.t, article.id, LIMIT], mode);
    expect(waste(plan, { maxRows: LIMIT + 1 })).toEqual([]);
  });

  it('should flag the OR-shaped cursor and visibility conditions this replaced (the check can fail)', async () => {
    const {
      rows: [{ n }],
    } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM comments WHERE article_id = $1 AND status = 'approved'`, [
      big.id,
    ]);
    const last = await keyAt(...approvedAsc(), n - LIMIT / 2);
    const orCursor = await explain(
      `SELECT id FROM comments WHERE article_id = $1 AND status = 'approved' AND (created_at > $2::timestamptz OR (created_at = $2::timestamptz AND id > $3::uuid))
       ORDER BY created_at, id LIMIT 21`,
      [big.id, last.t, last.id],
      'force_generic_plan',
    );
    expect(waste(orCursor, { maxRows: LIMIT + 1 }).join('\n')).toMatch(/rows read and discarded|rows per loop|not an index scan/);
    const orVisibility = await explain(
      `SELECT id FROM comments WHERE article_id = $1 AND (status = 'approved' OR (status = 'pending' AND author_id = $2::uuid))
       ORDER BY created_at, id LIMIT 21`,
      [big.id, viewer],
      'force_generic_plan',
    );
    expect(waste(orVisibility, { maxRows: LIMIT + 1 })).not.toEqual([]);
  });
});
