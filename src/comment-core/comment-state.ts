import { AppError } from '../common/errors/app-error.js';
import { type Db, query } from '../database/db.js';
import { SqlParams } from '../database/sql.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { CommentStatus } from '../generated/prisma/enums.js';
import { publicCommentJson } from './comment-json.js';
import { commentEventType } from './comment-events.js';
import {
  type AuditEntry,
  buildStatement,
  CHANGED_RETURNING,
  type CommentChange,
  type CommentSnapshot,
  SNAPSHOT_COLUMNS,
  type StateEffect,
  updateTargets,
  visibleAfter,
  visibleSql,
} from './comment-statement.js';
import { allowedFrom, isVisible } from './transitions.js';

/**
 * The operations that change a comment's state, each ONE statement (comment-statement.ts) that also moves the
 * counters and appends the audit rows and domain events, so the counters never drift from
 * `count(*) WHERE status = 'approved' AND deleted_at IS NULL` and a change costs one round trip. On the pool a
 * statement commits by itself; given the caller's transaction it joins it. Updates apply only at the version the
 * caller read (of two concurrent decisions exactly one wins). Locks are taken in one order: comment rows, then
 * article counters, then author counters.
 */

export type { AuditEntry, CommentChange, CommentSnapshot, StateEffect } from './comment-statement.js';

export const commentSnapshotSelect = {
  id: true,
  articleId: true,
  authorId: true,
  status: true,
  deletedAt: true,
  version: true,
} satisfies Prisma.CommentSelect;

// ---------------------------------------------------------------------------------------------------------
// Changes to comments the caller has read

export type ChangedComment = CommentSnapshot & {
  /** The reader's view after the change (comment-json.ts publicCommentJson). */
  view: string;
};

/**
 * Changes one comment read earlier as `before`, in one statement: on the pool it commits by itself; inside the
 * caller's transaction it joins it. Throws 409 VERSION_CONFLICT when the comment changed since it was read.
 */
export async function applyCommentChange(
  db: Db,
  before: CommentSnapshot,
  change: CommentChange,
  audit: AuditEntry | null,
  effects: readonly StateEffect[] = [],
): Promise<ChangedComment> {
  const p = new SqlParams();
  const text = buildStatement({
    params: p,
    before: [
      `target(id, version, from_status, was_visible) AS (
        SELECT ${p.p(before.id, 'uuid')}, ${p.p(before.version, 'int')}, ${p.p(before.status, 'text')}, ${p.p(Number(isVisible(before)), 'int')})`,
    ],
    changed: updateTargets(change, p),
    audit,
    effects,
    // The update applies only at the version read, so the delta is known here: most edits and deletes have none.
    counters: visibleAfter(before, change) !== isVisible(before),
    select: `${SNAPSHOT_COLUMNS('d')}, ${publicCommentJson('d')}::text AS view`,
    from: 'changed d',
  });
  const [after] = await query<ChangedComment>(db, text, p.values);
  if (!after) {
    throw AppError.conflict('VERSION_CONFLICT', 'The comment was changed by someone else; reload it and try again');
  }
  return after;
}

/** Locks comments (FOR UPDATE, in id order, so concurrent batches cannot deadlock) and returns their snapshots. */
export function lockComments(tx: Db, ids: readonly string[]): Promise<CommentSnapshot[]> {
  return query<CommentSnapshot>(
    tx,
    `SELECT id, article_id AS "articleId", author_id AS "authorId", status::text AS status, deleted_at AS "deletedAt", version
     FROM comments WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
}

/**
 * The batch form, for moderator bulk decisions, ban rejections and account erasure: one change (a status, or a
 * soft delete with the body erased) on many comments in one statement. Runs inside the caller's transaction, which must already hold the comment rows (`FOR UPDATE`, in id
 * order); the counter rows are locked here in id order first, so concurrent batches cannot deadlock. Same
 * guarantees: every row changes at the version the caller read, or the call throws VERSION_CONFLICT (and the
 * caller's transaction rolls back). Returns the new snapshots in input order.
 */
export async function applyCommentChanges(
  tx: Db,
  befores: readonly CommentSnapshot[],
  change: CommentChange,
  audit: AuditEntry | null,
  effects: readonly StateEffect[] = [],
): Promise<CommentSnapshot[]> {
  if (befores.length === 0) return [];
  const counters = befores.some((b) => visibleAfter(b, change) !== isVisible(b));
  const articleIds = [...new Set(befores.map((b) => b.articleId))];
  const authorIds = [...new Set(befores.map((b) => b.authorId))];
  if (counters) {
    await query(
      tx,
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM articles WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE) a)::int AS articles,
              (SELECT count(*) FROM (SELECT 1 FROM users WHERE id = ANY($2::uuid[]) ORDER BY id FOR UPDATE) u)::int AS users`,
      [articleIds, authorIds],
    );
  }
  const p = new SqlParams();
  const text = buildStatement({
    params: p,
    before: [
      `target(id, version, from_status, was_visible) AS (
        SELECT * FROM unnest(${p.p(
          befores.map((b) => b.id),
          'uuid[]',
        )}, ${p.p(
          befores.map((b) => b.version),
          'int[]',
        )},
                             ${p.p(
                               befores.map((b) => b.status),
                               'text[]',
                             )}, ${p.p(
                               befores.map((b) => Number(isVisible(b))),
                               'int[]',
                             )}))`,
    ],
    changed: updateTargets(change, p),
    audit,
    effects,
    counters,
    select: SNAPSHOT_COLUMNS('d'),
    from: 'changed d',
  });
  const updated = await query<CommentSnapshot>(tx, text, p.values);
  if (updated.length !== befores.length) {
    throw AppError.conflict('VERSION_CONFLICT', 'A comment was changed by someone else; reload and try again');
  }
  const afterById = new Map(updated.map((a) => [a.id, a]));
  return befores.map((b) => afterById.get(b.id)!);
}

/**
 * Notes why a pending comment waits (its `status_reason`; null keeps the one it has) without changing anything
 * readers or moderators' versions see: no version bump, no counters, no domain event. Applies only while the comment
 * is still pending, undeleted and at `version`; `effects` read the `changed` row (none when it no longer applies).
 * Used by the automated check (comments/comment-checks.service.ts) when it holds a comment. Returns the reader's
 * view, or null when nothing changed.
 */
export async function annotatePending(
  db: Db,
  id: string,
  version: number,
  statusReason: string | null,
  effects: readonly StateEffect[],
): Promise<string | null> {
  const p = new SqlParams();
  const ctes = [
    `changed AS (UPDATE comments c SET status_reason = COALESCE(${p.p(statusReason, 'text')}, c.status_reason), updated_at = now()
       WHERE c.id = ${p.p(id, 'uuid')} AND c.version = ${p.p(version, 'int')} AND c.status = 'pending' AND c.deleted_at IS NULL
       RETURNING c.*, 'pending'::text AS from_status)`,
  ];
  for (const e of effects) {
    if (!/^[a-z][a-z0-9_]*$/.test(e.name)) throw new Error(`invalid StateEffect name "${e.name}"`);
    ctes.push(`${e.name} AS (${e.sql(p)})`);
  }
  const counts = effects.map((e) => `, (SELECT count(*) FROM ${e.name})::int AS "effect_${e.name}"`).join('');
  const [row] = await query<{ view: string }>(
    db,
    `WITH ${ctes.join(',\n')}\nSELECT ${publicCommentJson('d')}::text AS view${counts} FROM changed d`,
    p.values,
  );
  return row?.view ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Moderator decisions: read, check and change in one statement

export interface DecisionOutcome {
  /** The comment as it was when the statement ran; undefined: no such comment. */
  current?: { status: CommentStatus; deletedAt: Date | null; version: number; authorId: string };
  /** Set when the decision was applied: the admin view columns. */
  decided?: DecidedComment;
}

export interface DecidedComment {
  id: string;
  authorId: string;
  body: string;
  status: CommentStatus;
  statusReason: string | null;
  version: number;
  parentId: string | null;
  depth: number;
  reportCount: number;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  featuredAt: Date | null;
}

/**
 * A moderator moves comment `id` to `to`: one statement reads it, checks the transition table (and the version
 * the moderator saw, when given) and applies the change with its counters and audit row. When nothing changed the
 * caller explains why from `current` (transitionError, VERSION_CONFLICT); a concurrent change that commits while
 * this one waits for the row makes the version check fail, so exactly one of two racing decisions wins.
 */
export async function decideComment(
  db: Db,
  id: string,
  to: CommentStatus,
  opts: { reason: string | null; expectedVersion?: number; audit: AuditEntry; notByAuthor?: string },
  effects: readonly StateEffect[] = [],
): Promise<DecisionOutcome> {
  const p = new SqlParams();
  const idParam = p.p(id, 'uuid');
  // `notByAuthor`: nobody decides their own comment; checked in the statement itself (no read of its own).
  const notBy = p.p(opts.notByAuthor ?? null, 'uuid');
  const text = buildStatement({
    params: p,
    before: [
      `seen AS (SELECT id, status::text AS status, deleted_at, version, author_id FROM comments WHERE id = ${idParam})`,
      `target(id, version, from_status, was_visible) AS (
        SELECT id, version, status, ${visibleSql('seen')} FROM seen
        WHERE deleted_at IS NULL AND status = ANY(${p.p(allowedFrom(to), 'text[]')})
          AND (${notBy} IS NULL OR author_id <> ${notBy})
          AND (${p.p(opts.expectedVersion ?? null, 'int')} IS NULL OR version = ${p.p(opts.expectedVersion ?? null, 'int')}))`,
    ],
    changed: updateTargets({ status: to, statusReason: opts.reason }, p),
    audit: opts.audit,
    effects,
    select: `cur.status AS "currentStatus", cur.deleted_at AS "currentDeletedAt", cur.version AS "currentVersion", cur.author_id AS "currentAuthorId",
      d.id, d.author_id AS "authorId", d.body, d.status::text AS status, d.status_reason AS "statusReason", d.version, d.parent_id AS "parentId",
      d.depth, d.report_count AS "reportCount", d.created_at AS "createdAt", d.edited_at AS "editedAt", d.deleted_at AS "deletedAt",
      d.featured_at AS "featuredAt"`,
    from: 'seen cur LEFT JOIN changed d ON true',
  });
  const [row] = await query<
    DecidedComment & { currentStatus: CommentStatus; currentDeletedAt: Date | null; currentVersion: number; currentAuthorId: string }
  >(db, text, p.values);
  if (!row) return {};
  const { currentStatus, currentDeletedAt, currentVersion, currentAuthorId, ...decided } = row;
  return {
    current: { status: currentStatus, deletedAt: currentDeletedAt, version: currentVersion, authorId: currentAuthorId },
    decided: decided.id ? decided : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------
// New comments

export interface NewComment {
  articleId: string;
  authorId: string;
  parentId: string | null;
  rootId: string | null;
  depth: number;
  body: string;
  status: CommentStatus;
  statusReason: string | null;
  idempotency?: { key: string; hash: string };
}

export type InsertOutcome =
  | { kind: 'created'; comment: ChangedComment }
  /** The author already used this Idempotency-Key: that comment, and the payload hash it was created with. */
  | { kind: 'replay'; view: string; hash: string | null }
  /** The same body by the same author on the same article within the window. */
  | { kind: 'duplicate' }
  /** The author's account was erased while the post was on its way (nothing was inserted). */
  | { kind: 'gone' };

/**
 * Inserts a comment in its first state, with its counters (when visible at once) and its audit row, in one
 * autocommit statement. Its first step, the `comment_post_gate` function (migrations 20261130150000 and
 * 20261201141000), takes the per-author-and-article advisory lock and only then checks, with a fresh snapshot, that
 * the author's account is not erased, the Idempotency-Key is unused and the body is no duplicate: concurrent identical posts are serialised and exactly one is inserted,
 * without BEGIN, a separate lock statement or COMMIT. A concurrent use of the same key on another article (another
 * lock) is settled by the unique index (ON CONFLICT DO NOTHING); that loser, like a key seen by the gate, replays.
 */
export async function insertComment(
  db: Db,
  c: NewComment,
  opts: { duplicateWindowSeconds: number; audit: AuditEntry | null },
  effects: readonly StateEffect[] = [],
): Promise<InsertOutcome> {
  const p = new SqlParams();
  const author = p.p(c.authorId, 'uuid');
  const article = p.p(c.articleId, 'uuid');
  const body = p.p(c.body, 'text');
  const key = p.p(c.idempotency?.key ?? null, 'text');
  const text = buildStatement({
    params: p,
    before: [
      `gate AS (SELECT comment_post_gate(${author}, ${article}, ${body}, ${p.p(opts.duplicateWindowSeconds, 'int')}, ${key}) AS verdict)`,
    ],
    changed: `
      INSERT INTO comments (id, article_id, author_id, parent_id, root_id, depth, body, status, status_reason,
                            idempotency_key, idempotency_hash, created_at, updated_at)
      SELECT gen_random_uuid(), ${article}, ${author}, ${p.p(c.parentId, 'uuid')}, ${p.p(c.rootId, 'uuid')}, ${p.p(c.depth, 'int')},
             ${body}, ${p.p(c.status, '"CommentStatus"')}, ${p.p(c.statusReason, 'text')}, ${key}, ${p.p(c.idempotency?.hash ?? null, 'text')},
             now(), now()
      WHERE (SELECT verdict FROM gate) = 'ok'
      ON CONFLICT (author_id, idempotency_key) DO NOTHING
      RETURNING ${CHANGED_RETURNING}, NULL::text AS from_status, ${visibleSql('comments')} AS delta, ${commentEventType.created} AS event_type`,
    audit: opts.audit,
    effects,
    counters: c.status === 'approved',
    select: `(SELECT verdict FROM gate) AS verdict, ${SNAPSHOT_COLUMNS('d')}, CASE WHEN d.id IS NOT NULL THEN ${publicCommentJson('d')}::text END AS view`,
    from: '(SELECT 1) one LEFT JOIN changed d ON true',
  });
  const [row] = await query<ChangedComment & { verdict: 'ok' | 'prior' | 'duplicate' | 'gone' }>(db, text, p.values);
  const { verdict, ...created } = row;
  if (created.id) return { kind: 'created', comment: created };
  if (verdict === 'duplicate' || verdict === 'gone') return { kind: verdict };
  // The key is taken: seen by the gate, or by the unique index when a concurrent post with it committed first.
  // A new statement (a fresh snapshot) reads that comment.
  const [prior] = await query<{ view: string; hash: string | null }>(
    db,
    `SELECT ${publicCommentJson('pc')}::text AS view, pc.idempotency_hash AS hash
     FROM comments pc WHERE pc.author_id = $1::uuid AND pc.idempotency_key = $2::text`,
    [c.authorId, c.idempotency?.key ?? null],
  );
  if (!prior) throw new Error(`comment insert refused (${verdict}) with no comment holding its key`);
  return { kind: 'replay', view: prior.view, hash: prior.hash };
}

/**
 * For a comment inserted by other means (tests, data imports) directly in its first state: counts it when
 * visible and appends the audit row (fromStatus null), in the caller's transaction.
 */
export async function recordNewComment(db: Db, created: CommentSnapshot, audit: AuditEntry | null): Promise<void> {
  const p = new SqlParams();
  const text = buildStatement({
    params: p,
    changed: `SELECT ${CHANGED_RETURNING}, NULL::text AS from_status, ${visibleSql('comments')} AS delta, ${commentEventType.created} AS event_type
              FROM comments WHERE id = ${p.p(created.id, 'uuid')}`,
    audit,
    effects: [],
    counters: isVisible(created),
    select: 'd.id',
    from: 'changed d',
  });
  await query(db, text, p.values);
}
