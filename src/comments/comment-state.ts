import pg from 'pg';
import { AppError } from '../common/errors/app-error.js';
import { capitalize, withArticle } from '../common/text/english.js';
import { databaseFault } from '../common/errors/database-errors.js';
import { nameFor, type Queryable, SqlParams } from '../database/sql.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { CommentStatus } from '../generated/prisma/enums.js';
import { commentEventsInsert, commentEventType } from '../events/domain-events.js';
import { publicCommentJson } from '../read-path/read-path.sql.js';

/**
 * The single place where a comment's visibility changes. Every insert, status change, soft delete and body edit is
 * ONE SQL statement built here, in which
 *   1. `changed` inserts or updates the comment rows, an update only at the version the caller read (optimistic
 *      concurrency: of two concurrent decisions exactly one wins, the other gets 409 VERSION_CONFLICT),
 *   2. `article_counts` and `author_counts` move the approved-comment counters by the visibility delta,
 *   3. `audit` appends the audit rows,
 *   4. `events` appends the domain events (src/events/domain-events.ts: one per changed comment and one per article
 *      whose count moved; a trigger announces them with pg_notify when the statement's transaction commits), and
 *   5. each `StateEffect` adds its own work,
 * so the counters can never drift from `count(*) WHERE status = 'approved' AND deleted_at IS NULL`, and a change
 * costs one round trip however much it touches.
 *
 * The seam for what comes next (live updates via pg NOTIFY, webhook outbox rows, DSA statements of reasons): a
 * StateEffect. It becomes one more CTE of the same statement, reads the `changed` rows (id, article_id, author_id,
 * status, from_status, deleted_at, version, delta, …) and commits or rolls back with the change itself, at no extra
 * round trip (test/e2e/comments/comment-state-effects.e2e-spec.ts shows it with pg_notify). An effect is referenced from the
 * final SELECT, so even a plain `SELECT pg_notify(…) FROM changed` runs. Work that every change needs (an outbox row
 * per change) belongs in buildStatement next to `audit`, so no caller can forget it; work for one operation is
 * passed by its caller (the edit's revision row is one). Work that needs its own statement can still join: the
 * callers that hold a transaction (bulk, ban, edit-with-rejection) run these statements inside BEGIN … COMMIT, and
 * every function here accepts such a client (or a Prisma transaction client).
 *
 * Locks are always taken in the same order (comment rows, then article counters, then author counters), so
 * concurrent changes queue instead of deadlocking: `author_counts` reads `article_counts` first. Callers changing
 * many comments lock them in id order first (bulk, ban), and `applyCommentChanges` locks the counter rows in id
 * order before its statement.
 */

/** Moderator decisions: from → allowed targets. Anything else is 409 INVALID_TRANSITION. */
export const MODERATION_TRANSITIONS: Readonly<Record<CommentStatus, readonly CommentStatus[]>> = {
  pending: ['approved', 'rejected', 'spam'],
  approved: ['rejected', 'spam'],
  rejected: ['approved', 'spam'],
  spam: ['approved', 'rejected'],
};

export function canModerate(from: CommentStatus, to: CommentStatus): boolean {
  return MODERATION_TRANSITIONS[from].includes(to);
}

/** Why a moderator may not move this comment to `to` (409 INVALID_TRANSITION), or null when the move is allowed. */
export function transitionError(c: { status: CommentStatus; deletedAt: Date | null }, to: CommentStatus): AppError | null {
  if (c.deletedAt) return AppError.conflict('INVALID_TRANSITION', 'A deleted comment cannot be moderated');
  if (!canModerate(c.status, to))
    return AppError.conflict('INVALID_TRANSITION', `${capitalize(withArticle(c.status))} comment cannot become ${to}`);
  return null;
}

const STATUSES = Object.keys(MODERATION_TRANSITIONS) as CommentStatus[];

/** The statuses a moderator may move to `to` from (the transition table read backwards). */
const allowedFrom = (to: CommentStatus) => STATUSES.filter((from) => canModerate(from, to));

export interface CommentSnapshot {
  id: string;
  articleId: string;
  authorId: string;
  status: CommentStatus;
  deletedAt: Date | null;
  version: number;
}

export const commentSnapshotSelect = {
  id: true,
  articleId: true,
  authorId: true,
  status: true,
  deletedAt: true,
  version: true,
} satisfies Prisma.CommentSelect;

export const isVisible = (c: { status: CommentStatus; deletedAt: Date | null }) => c.status === 'approved' && c.deletedAt === null;

export interface CommentChange {
  status?: CommentStatus;
  statusReason?: string | null;
  deletedAt?: Date;
  deletedById?: string;
  /** Undoes a soft delete: only an appeal against a removal by staff does this (DSA Art. 20(4)). */
  restore?: true;
  body?: string;
  editedAt?: Date;
  reportCountIncrement?: number;
}

export interface AuditEntry {
  /** e.g. approve, reject, spam, edit, delete, report_threshold, filter_reject, ban_reject */
  action: string;
  actorId: string | null;
  reason?: string | null;
}

/** Extra work in the same statement as a visibility change; see the seam described at the top of this file. */
export interface StateEffect {
  /** CTE name, unique within the statement (letters, digits, underscores). */
  readonly name: string;
  /** The CTE's body, e.g. `INSERT INTO outbox (…) SELECT … FROM changed`; values go through `params`. */
  sql(params: SqlParams): string;
}

/** Where the statements run: the pg pool (autocommit), a pg client inside BEGIN … COMMIT, or a Prisma transaction. */
export type Db = Queryable | Prisma.TransactionClient;

/** One statement on any Db (also used by the DSA services, which run in the same transactions as these changes). */
export async function query<R>(db: Db, text: string, values: unknown[]): Promise<R[]> {
  // Prisma's transaction client: tests and the Prisma-based callers (reports, bans) share the same statements.
  if ('$queryRawUnsafe' in db) return db.$queryRawUnsafe<R[]>(text, ...values);
  // A small, fixed set of statement shapes: prepared once per connection, then only bound and executed.
  const config = { name: nameFor('state', text), text, values };
  try {
    return (await db.query(config)).rows as R[];
  } catch (err) {
    // One statement on the pool commits or rolls back by itself: after losing a deadlock it can simply run again
    // (once, like PrismaService.transaction). Inside a caller's transaction the caller decides.
    if (!(db instanceof pg.Pool) || databaseFault(err) !== 'conflict') throw err;
    return (await db.query(config)).rows as R[];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Statement assembly

/** Columns every `changed` CTE returns (insert and update alike). */
const CHANGED_RETURNING = `id, article_id, author_id, parent_id, root_id, depth, body, status, status_reason, version,
  report_count, created_at, edited_at, deleted_at`;

/** `changed` row → CommentSnapshot. */
const SNAPSHOT_COLUMNS = (d: string) =>
  `${d}.id, ${d}.article_id AS "articleId", ${d}.author_id AS "authorId", ${d}.status::text AS status, ${d}.deleted_at AS "deletedAt", ${d}.version`;

const visibleSql = (c: string) => `(${c}.status = 'approved' AND ${c}.deleted_at IS NULL)::int`;

interface StatementParts {
  params: SqlParams;
  /** CTEs before `changed` (`name AS (…)`). */
  before?: string[];
  /**
   * The `changed` CTE's statement: returns CHANGED_RETURNING plus `from_status` (text or null), `delta` (int) and
   * `event_type` (the domain event's type, events/domain-events.ts commentEventType).
   */
  changed: string;
  audit: AuditEntry | null;
  effects: readonly StateEffect[];
  /** false when every delta is known to be 0 (e.g. a new pending comment): the counter CTEs are left out. */
  counters?: boolean;
  /** Final select list and FROM clause; `changed` rows are available as the CTE `changed`. */
  select: string;
  from: string;
}

function buildStatement(s: StatementParts): string {
  const { params: p } = s;
  const ctes = [...(s.before ?? []), `changed AS (${s.changed})`];
  if (s.counters !== false) {
    ctes.push(
      `article_counts AS (
        UPDATE articles a SET approved_comment_count = a.approved_comment_count + d.delta, updated_at = now()
        FROM (SELECT article_id, sum(delta)::int AS delta FROM changed GROUP BY article_id) d
        WHERE a.id = d.article_id AND d.delta <> 0
        RETURNING a.id, a.slug, a.approved_comment_count)`,
      // Reading article_counts first makes every statement lock counter rows in the same order.
      `author_counts AS (
        UPDATE users u SET approved_comment_count = u.approved_comment_count + d.delta, updated_at = now()
        FROM (SELECT author_id, sum(delta)::int AS delta FROM changed GROUP BY author_id) d
        WHERE u.id = d.author_id AND d.delta <> 0 AND (SELECT count(*) FROM article_counts) >= 0
        RETURNING u.id)`,
    );
  }
  if (s.audit) {
    ctes.push(`audit AS (
      INSERT INTO moderation_actions (id, comment_id, moderator_id, action, from_status, to_status, reason, created_at)
      SELECT gen_random_uuid(), d.id, ${p.p(s.audit.actorId, 'uuid')}, ${p.p(s.audit.action, 'text')},
             d.from_status::"CommentStatus", d.status, ${p.p(s.audit.reason ?? null, 'text')}, now()
      FROM changed d
      RETURNING id)`);
  }
  // Written by every change, like the audit rows: no caller can forget it, and nothing rolled back is announced.
  ctes.push(`events AS (${commentEventsInsert(s.counters !== false)})`);
  for (const e of s.effects) {
    if (!/^[a-z][a-z0-9_]*$/.test(e.name)) throw new Error(`invalid StateEffect name "${e.name}"`);
    ctes.push(`${e.name} AS (${e.sql(p)})`);
  }
  const effectColumns = s.effects.map((e) => `, (SELECT count(*) FROM ${e.name})::int AS "effect_${e.name}"`).join('');
  return `WITH ${ctes.join(',\n')}\nSELECT ${s.select}${effectColumns} FROM ${s.from}`;
}

/** Whether `before` is visible once `change` is applied to it (a soft delete is undone only by `restore`). */
const visibleAfter = (before: CommentSnapshot, change: CommentChange) =>
  isVisible({ status: change.status ?? before.status, deletedAt: change.restore ? null : (change.deletedAt ?? before.deletedAt) });

/** SET list for an update; `c` is the comments row being updated. */
function setList(change: CommentChange, p: SqlParams): string {
  const set: string[] = [];
  if (change.status !== undefined) set.push(`status = ${p.p(change.status, '"CommentStatus"')}`);
  if (change.statusReason !== undefined) set.push(`status_reason = ${p.p(change.statusReason, 'text')}`);
  if (change.deletedAt !== undefined) {
    set.push(
      `deleted_at = ${p.p(change.deletedAt.toISOString(), 'timestamptz')}`,
      `deleted_by_id = ${p.p(change.deletedById ?? null, 'uuid')}`,
    );
  } else if (change.restore) {
    set.push('deleted_at = NULL', 'deleted_by_id = NULL');
  }
  if (change.body !== undefined) set.push(`body = ${p.p(change.body, 'text')}`);
  if (change.editedAt !== undefined) set.push(`edited_at = ${p.p(change.editedAt.toISOString(), 'timestamptz')}`);
  if (change.reportCountIncrement) set.push(`report_count = c.report_count + ${p.p(change.reportCountIncrement, 'int')}`);
  return [...set, 'version = c.version + 1', 'updated_at = now()'].join(', ');
}

/** The domain event an update makes: a delete, an edit (which may also change the status), or a decision. */
const updateEventType = (change: CommentChange) =>
  change.deletedAt !== undefined
    ? commentEventType.deleted
    : change.body !== undefined
      ? commentEventType.edited
      : commentEventType.decided('c');

/** `changed` as an UPDATE of the `target(id, version, from_status, was_visible)` rows, each only at that version. */
const updateTargets = (change: CommentChange, p: SqlParams) => `
  UPDATE comments c SET ${setList(change, p)}
  FROM target t WHERE c.id = t.id AND c.version = t.version
  RETURNING ${CHANGED_RETURNING.split(',')
    .map((col) => `c.${col.trim()}`)
    .join(', ')}, t.from_status,
            ${visibleSql('c')} - t.was_visible AS delta, ${updateEventType(change)} AS event_type`;

// ---------------------------------------------------------------------------------------------------------
// Changes to comments the caller has read

export type ChangedComment = CommentSnapshot & {
  /** The reader's view after the change (read-path.sql.ts publicCommentJson). */
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

// ---------------------------------------------------------------------------------------------------------
// Moderator decisions: read, check and change in one statement

export interface DecisionOutcome {
  /** The comment as it was when the statement ran; undefined: no such comment. */
  current?: { status: CommentStatus; deletedAt: Date | null; version: number };
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
  opts: { reason: string | null; expectedVersion?: number; audit: AuditEntry },
  effects: readonly StateEffect[] = [],
): Promise<DecisionOutcome> {
  const p = new SqlParams();
  const idParam = p.p(id, 'uuid');
  const text = buildStatement({
    params: p,
    before: [
      `seen AS (SELECT id, status::text AS status, deleted_at, version FROM comments WHERE id = ${idParam})`,
      `target(id, version, from_status, was_visible) AS (
        SELECT id, version, status, ${visibleSql('seen')} FROM seen
        WHERE deleted_at IS NULL AND status = ANY(${p.p(allowedFrom(to), 'text[]')})
          AND (${p.p(opts.expectedVersion ?? null, 'int')} IS NULL OR version = ${p.p(opts.expectedVersion ?? null, 'int')}))`,
    ],
    changed: updateTargets({ status: to, statusReason: opts.reason }, p),
    audit: opts.audit,
    effects,
    select: `cur.status AS "currentStatus", cur.deleted_at AS "currentDeletedAt", cur.version AS "currentVersion",
      d.id, d.author_id AS "authorId", d.body, d.status::text AS status, d.status_reason AS "statusReason", d.version, d.parent_id AS "parentId",
      d.depth, d.report_count AS "reportCount", d.created_at AS "createdAt", d.edited_at AS "editedAt", d.deleted_at AS "deletedAt"`,
    from: 'seen cur LEFT JOIN changed d ON true',
  });
  const [row] = await query<DecidedComment & { currentStatus: CommentStatus; currentDeletedAt: Date | null; currentVersion: number }>(
    db,
    text,
    p.values,
  );
  if (!row) return {};
  const { currentStatus, currentDeletedAt, currentVersion, ...decided } = row;
  return {
    current: { status: currentStatus, deletedAt: currentDeletedAt, version: currentVersion },
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
