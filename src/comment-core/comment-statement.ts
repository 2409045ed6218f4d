import { auditRowsInsert } from '../audit/audit-log.js';
import type { SqlParams } from '../database/sql.js';
import type { CommentStatus } from '../generated/prisma/enums.js';
import { commentEventsInsert, commentEventType } from './comment-events.js';
import { isVisible } from './transitions.js';

/**
 * Builds the one statement of a comment state change: CTE `changed` (the comment rows), `article_counts` and
 * `author_counts` (the approved-comment counters, by the visibility delta), `audit` (one audit row per changed
 * comment), `events` (the domain events) and each StateEffect of the caller, then the final SELECT.
 */

export interface CommentSnapshot {
  id: string;
  articleId: string;
  authorId: string;
  status: CommentStatus;
  deletedAt: Date | null;
  version: number;
}

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

/** The audit row each changed comment gets. */
export interface AuditEntry {
  /** e.g. approve, reject, spam, edit, delete, report_threshold, filter_reject, ban_reject */
  action: string;
  actorId: string | null;
  reason?: string | null;
}

/**
 * Extra work in the same statement, by the caller (a revision row, the DSA statement of reasons): one more CTE that
 * reads the `changed` rows (id, article_id, author_id, status, from_status, deleted_at, version, delta, …) and
 * commits or rolls back with the change. It is referenced from the final SELECT, so even a plain
 * `SELECT pg_notify(…) FROM changed` runs.
 */
export interface StateEffect {
  /** CTE name, unique within the statement (letters, digits, underscores). */
  readonly name: string;
  /** The CTE's body, e.g. `INSERT INTO outbox (…) SELECT … FROM changed`; values go through `params`. */
  sql(params: SqlParams): string;
}

/** Columns every `changed` CTE returns (insert and update alike). */
export const CHANGED_RETURNING = `id, article_id, author_id, parent_id, root_id, depth, body, status, status_reason, version,
  report_count, created_at, edited_at, deleted_at, reactions, featured_at`;

/** `changed` row → CommentSnapshot. */
export const SNAPSHOT_COLUMNS = (d: string) =>
  `${d}.id, ${d}.article_id AS "articleId", ${d}.author_id AS "authorId", ${d}.status::text AS status, ${d}.deleted_at AS "deletedAt", ${d}.version`;

export const visibleSql = (c: string) => `(${c}.status = 'approved' AND ${c}.deleted_at IS NULL)::int`;

export interface StatementParts {
  params: SqlParams;
  /** CTEs before `changed` (`name AS (…)`). */
  before?: string[];
  /**
   * The `changed` CTE's statement: returns CHANGED_RETURNING plus `from_status` (text or null), `delta` (int) and
   * `event_type` (the domain event's type, comment-events.ts commentEventType).
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

export function buildStatement(s: StatementParts): string {
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
    const audit = auditRowsInsert(
      {
        comment_id: 'd.id',
        moderator_id: p.p(s.audit.actorId, 'uuid'),
        action: p.p(s.audit.action, 'text'),
        from_status: 'd.from_status::"CommentStatus"',
        to_status: 'd.status',
        reason: p.p(s.audit.reason ?? null, 'text'),
        created_at: 'now()',
      },
      'changed d',
    );
    ctes.push(`audit AS (${audit})`);
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
export const visibleAfter = (before: CommentSnapshot, change: CommentChange) =>
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
export const updateTargets = (change: CommentChange, p: SqlParams) => `
  UPDATE comments c SET ${setList(change, p)}
  FROM target t WHERE c.id = t.id AND c.version = t.version
  RETURNING ${CHANGED_RETURNING.split(',')
    .map((col) => `c.${col.trim()}`)
    .join(', ')}, t.from_status,
            ${visibleSql('c')} - t.was_visible AS delta, ${updateEventType(change)} AS event_type`;
