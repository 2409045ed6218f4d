import type pg from 'pg';

/** The approved-comment counters (articles, users) checked against the comments themselves, and repaired (npm run db:recount). */

/** A counter that disagrees with `count(*) FILTER (WHERE status = 'approved' AND deleted_at IS NULL)`. */
export interface CounterDrift {
  id: string;
  /** slug for articles, username for users */
  name: string;
  stored: number;
  actual: number;
}

export interface RecountResult {
  articles: CounterDrift[];
  users: CounterDrift[];
  /** comments whose reaction counters (`reaction_count`, `reactions` per kind) disagree with comment_reactions; name is the comment id */
  reactions: CounterDrift[];
  /** rows whose counter was rewritten (0 unless `repair`) */
  repaired: number;
}

const TABLES = {
  articles: { table: 'articles', name: 'slug', fk: 'article_id' },
  users: { table: 'users', name: 'username', fk: 'author_id' },
} as const;

type Target = (typeof TABLES)[keyof typeof TABLES];

// One statement, so one snapshot: a writer's comment change and its counter update are in the same transaction,
// so this sees both or neither and every drift it reports is real, not an in-flight write.
const driftSql = ({ table, name, fk }: Target) => `
  WITH actual AS (
    SELECT ${fk} AS id, count(*)::int AS n FROM comments WHERE status = 'approved' AND deleted_at IS NULL GROUP BY ${fk}
  )
  SELECT t.id, t.${name} AS name, t.approved_comment_count AS stored, coalesce(a.n, 0) AS actual
  FROM ${table} t LEFT JOIN actual a ON a.id = t.id
  WHERE t.approved_comment_count IS DISTINCT FROM coalesce(a.n, 0)
  ORDER BY t.id`;

// Counted in a statement that starts after the row locks are held (READ COMMITTED: a fresh snapshot per
// statement). Writers change the comment first and the counter second, so any writer has either committed (its
// comment change is in this count) or is waiting for our lock (its delta lands on top of the repaired value).
// A single UPDATE ... FROM (count) would count from a snapshot taken before it waits for locks, and could
// overwrite a concurrent increment with a stale count.
const repairSql = ({ table, name, fk }: Target) => `
  UPDATE ${table} t SET approved_comment_count = x.n
  FROM (
    SELECT id, (SELECT count(*)::int FROM comments c WHERE c.${fk} = ids.id AND c.status = 'approved' AND c.deleted_at IS NULL) AS n
    FROM unnest($1::uuid[]) AS ids(id)
  ) x
  WHERE t.id = x.id AND t.approved_comment_count IS DISTINCT FROM x.n
  RETURNING t.id, t.${name} AS name`;

async function repairTable(pool: pg.Pool, target: Target, ids: string[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Locks only the drifted rows (sorted, so two recounts cannot deadlock each other), one table per transaction
    // so we never hold article locks while waiting for user locks.
    await client.query(`SELECT id FROM ${target.table} WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    const { rowCount } = await client.query(repairSql(target), [ids]);
    await client.query('COMMIT');
    return rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Compares every article's and user's approved-comment counter with the real count and, with `repair`, rewrites
 * the ones that differ. Counters are only ever changed in comment-core/comment-state.ts, so any drift found here is a bug or a
 * manual edit of the database; this is the tool to detect and fix it, safe to run while the API is serving.
 */
export async function recount(pool: pg.Pool, opts: { repair: boolean }): Promise<RecountResult> {
  const result: RecountResult = { articles: [], users: [], reactions: [], repaired: 0 };
  for (const key of ['articles', 'users'] as const) {
    const target = TABLES[key];
    const { rows } = await pool.query<CounterDrift>(driftSql(target));
    result[key] = rows;
    if (opts.repair && rows.length)
      result.repaired += await repairTable(
        pool,
        target,
        rows.map((r) => r.id),
      );
  }
  const { rows } = await pool.query<CounterDrift>(REACTION_DRIFT);
  result.reactions = rows;
  if (opts.repair && rows.length)
    result.repaired += await repairReactions(
      pool,
      rows.map((r) => r.id),
    );
  return result;
}

// The reactions of the given comments (all, or `$1` ids), counted per kind and in all.
const actualReactions = (ids: string) => `
  per_kind AS (SELECT comment_id, kind, count(*)::int AS n FROM comment_reactions WHERE ${ids} GROUP BY comment_id, kind),
  actual AS (SELECT comment_id AS id, sum(n)::int AS n, jsonb_object_agg(kind, n) AS reactions FROM per_kind GROUP BY comment_id)`;

// Comments that carry counters or have reactions: one snapshot, like driftSql.
const REACTION_DRIFT = `
  WITH ${actualReactions('true')}
  SELECT c.id, c.id::text AS name, c.reaction_count AS stored, coalesce(a.n, 0) AS actual
  FROM comments c LEFT JOIN actual a ON a.id = c.id
  WHERE (c.reaction_count <> 0 OR c.reactions <> '{}'::jsonb OR a.id IS NOT NULL)
    AND (c.reaction_count IS DISTINCT FROM coalesce(a.n, 0) OR c.reactions IS DISTINCT FROM coalesce(a.reactions, '{}'::jsonb))
  ORDER BY c.id`;

// As repairSql: counted after the comment rows are locked, so a reaction statement (which adds its row first and
// moves the counter second, under the same lock) is either counted here or adds its delta on top afterwards.
async function repairReactions(pool: pg.Pool, ids: string[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT id FROM comments WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
    const { rowCount } = await client.query(
      `WITH ${actualReactions('comment_id = ANY($1::uuid[])')}
       UPDATE comments c SET reaction_count = coalesce(a.n, 0), reactions = coalesce(a.reactions, '{}'::jsonb)
       FROM unnest($1::uuid[]) AS ids(id) LEFT JOIN actual a ON a.id = ids.id
       WHERE c.id = ids.id`,
      [ids],
    );
    await client.query('COMMIT');
    return rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
