import type pg from 'pg';
import type { CommentStatus } from '../generated/prisma/enums.js';

/**
 * Comments brought in by an import (src/import): history written as it was, in one statement per batch, with the
 * approved-comment counters of their articles and authors raised in the same transaction (so recount finds no
 * drift). Unlike a new comment (comment-state.ts) this writes no domain event, no webhook delivery and no audit
 * row per comment: the import run has one audit row, and readers are not told about years-old comments.
 */
export interface ImportedComment {
  id: string;
  articleId: string;
  authorId: string;
  parentId: string | null;
  rootId: string | null;
  depth: number;
  body: string;
  status: CommentStatus;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  importKey: string;
}

const visible = (r: ImportedComment) => r.status === 'approved' && r.deletedAt === null;

/**
 * Inserts the rows (a row whose import key or id exists already is left out) and returns how many were written.
 * Must run inside the caller's transaction, which rolls back unless every row was written: the reply counts are
 * written for all of them. `reply_count` is not left to the per-row trigger (migration 20261208030000): a reply
 * whose parent is in the same batch is counted in the parent's inserted row, the others in one update per parent.
 */
export async function insertImportedComments(client: pg.ClientBase, rows: ImportedComment[]): Promise<number> {
  if (!rows.length) return 0;
  const ids = new Set(rows.map((r) => r.id));
  const replies = new Map<string, number>();
  for (const r of rows) if (r.parentId && visible(r)) replies.set(r.parentId, (replies.get(r.parentId) ?? 0) + 1);
  const col = <K extends keyof ImportedComment>(k: K) => rows.map((r) => r[k]);
  await client.query("SELECT set_config('newsroom.import', 'on', true)");
  const inserted = await client.query<{ article_id: string; author_id: string; counts: boolean }>(
    `INSERT INTO comments (id, article_id, author_id, parent_id, root_id, depth, body, status, created_at, updated_at, edited_at, deleted_at, import_key, reply_count)
     SELECT id, article_id, author_id, parent_id, root_id, depth, body, status::"CommentStatus", created_at, created_at, edited_at, deleted_at, import_key, reply_count
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int[], $7::text[], $8::text[], $9::timestamptz[],
                 $10::timestamptz[], $11::timestamptz[], $12::text[], $13::int[])
       AS t(id, article_id, author_id, parent_id, root_id, depth, body, status, created_at, edited_at, deleted_at, import_key, reply_count)
     ON CONFLICT DO NOTHING
     RETURNING article_id, author_id, (status = 'approved' AND deleted_at IS NULL) AS counts`,
    [
      col('id'),
      col('articleId'),
      col('authorId'),
      col('parentId'),
      col('rootId'),
      col('depth'),
      col('body'),
      col('status'),
      col('createdAt'),
      col('editedAt'),
      col('deletedAt'),
      col('importKey'),
      rows.map((r) => replies.get(r.id) ?? 0),
    ],
  );
  await client.query("SELECT set_config('newsroom.import', 'off', true)");
  // Replies to comments written by earlier batches (or before the import): one update per parent, in id order.
  const outside = [...replies.keys()].filter((id) => !ids.has(id)).sort();
  if (outside.length) {
    await client.query(
      `UPDATE comments c SET reply_count = c.reply_count + d.n FROM unnest($1::uuid[], $2::int[]) AS d(id, n) WHERE c.id = d.id`,
      [outside, outside.map((id) => replies.get(id)!)],
    );
  }
  for (const [table, column] of [
    ['articles', 'article_id'],
    ['users', 'author_id'],
  ] as const) {
    const deltas = new Map<string, number>();
    for (const r of inserted.rows) if (r.counts) deltas.set(r[column], (deltas.get(r[column]) ?? 0) + 1);
    if (!deltas.size) continue;
    // Sorted ids: two writers lock counter rows in the same order.
    const ids = [...deltas.keys()].sort();
    await client.query(
      `UPDATE ${table} t SET approved_comment_count = t.approved_comment_count + d.n
       FROM unnest($1::uuid[], $2::int[]) AS d(id, n) WHERE t.id = d.id`,
      [ids, ids.map((id) => deltas.get(id)!)],
    );
  }
  return inserted.rowCount ?? 0;
}
