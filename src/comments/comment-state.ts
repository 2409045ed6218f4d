import { AppError } from '../common/errors/app-error.js';
import { capitalize, withArticle } from '../common/text/english.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { CommentStatus } from '../generated/prisma/enums.js';

/**
 * The single place where a comment's visibility changes. Every status change, soft delete and body edit goes
 * through `applyCommentChange` inside the caller's transaction, which
 *   1. updates the row only if its version is still the one the caller read (optimistic concurrency: of two
 *      concurrent decisions exactly one wins, the other gets 409 VERSION_CONFLICT),
 *   2. moves the article's and the author's approved-comment counters by the visibility delta, and
 *   3. appends the audit row,
 * so the counters can never drift from `count(*) WHERE status = 'approved' AND deleted_at IS NULL`.
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
  if (!canModerate(c.status, to)) return AppError.conflict('INVALID_TRANSITION', `${capitalize(withArticle(c.status))} comment cannot become ${to}`);
  return null;
}

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

export async function applyCommentChange(
  tx: Prisma.TransactionClient,
  before: CommentSnapshot,
  change: CommentChange,
  audit: AuditEntry | null,
): Promise<CommentSnapshot> {
  const updated = await tx.comment.updateManyAndReturn({
    where: { id: before.id, version: before.version },
    data: {
      ...(change.status !== undefined && { status: change.status }),
      ...(change.statusReason !== undefined && { statusReason: change.statusReason }),
      ...(change.deletedAt !== undefined && { deletedAt: change.deletedAt, deletedById: change.deletedById ?? null }),
      ...(change.body !== undefined && { body: change.body }),
      ...(change.editedAt !== undefined && { editedAt: change.editedAt }),
      ...(change.reportCountIncrement && { reportCount: { increment: change.reportCountIncrement } }),
      version: { increment: 1 },
    },
    select: commentSnapshotSelect,
  });
  const after = updated[0];
  if (!after) {
    throw AppError.conflict('VERSION_CONFLICT', 'The comment was changed by someone else; reload it and try again');
  }
  const delta = Number(isVisible(after)) - Number(isVisible(before));
  if (delta !== 0) {
    await tx.article.update({ where: { id: after.articleId }, data: { approvedCommentCount: { increment: delta } } });
    await tx.user.update({ where: { id: after.authorId }, data: { approvedCommentCount: { increment: delta } } });
  }
  if (audit) {
    await tx.moderationAction.create({
      data: {
        commentId: after.id,
        moderatorId: audit.actorId,
        action: audit.action,
        fromStatus: before.status,
        toStatus: after.status,
        reason: audit.reason ?? null,
      },
    });
  }
  return after;
}

/** For a newly inserted comment that is visible at once (post-moderation or trusted author). */
export async function countNewVisibleComment(tx: Prisma.TransactionClient, articleId: string, authorId: string): Promise<void> {
  await tx.article.update({ where: { id: articleId }, data: { approvedCommentCount: { increment: 1 } } });
  await tx.user.update({ where: { id: authorId }, data: { approvedCommentCount: { increment: 1 } } });
}

/**
 * For a comment inserted directly in its first state (auto-approved, held or rejected by the word filter): counts
 * it when visible and appends the audit row (fromStatus null), in the caller's transaction.
 */
export async function recordNewComment(tx: Prisma.TransactionClient, created: CommentSnapshot, audit: AuditEntry | null): Promise<void> {
  if (isVisible(created)) await countNewVisibleComment(tx, created.articleId, created.authorId);
  if (audit) {
    await tx.moderationAction.create({
      data: { commentId: created.id, moderatorId: audit.actorId, action: audit.action, fromStatus: null, toStatus: created.status, reason: audit.reason ?? null },
    });
  }
}

/**
 * The batch form of applyCommentChange, for moderator bulk decisions and ban rejections: one status change on
 * many comments in a handful of statements (one UPDATE, one counter update per touched article and author, one
 * audit INSERT) instead of ~4 per comment. Same guarantees: every row updates only at the version the caller
 * read, or the whole call throws VERSION_CONFLICT (the caller's transaction then rolls back). Counter rows are
 * updated in id order so concurrent batches cannot deadlock on them. Returns the new snapshots in input order.
 */
export async function applyCommentChanges(
  tx: Prisma.TransactionClient,
  befores: readonly CommentSnapshot[],
  change: { status: CommentStatus; statusReason?: string | null },
  audit: AuditEntry | null,
): Promise<CommentSnapshot[]> {
  if (befores.length === 0) return [];
  const updated = await tx.comment.updateManyAndReturn({
    where: { OR: befores.map((b) => ({ id: b.id, version: b.version })) },
    data: { status: change.status, ...(change.statusReason !== undefined && { statusReason: change.statusReason }), version: { increment: 1 } },
    select: commentSnapshotSelect,
  });
  if (updated.length !== befores.length) {
    throw AppError.conflict('VERSION_CONFLICT', 'A comment was changed by someone else; reload and try again');
  }
  const afterById = new Map(updated.map((a) => [a.id, a]));
  const articleDelta = new Map<string, number>();
  const authorDelta = new Map<string, number>();
  for (const before of befores) {
    const delta = Number(isVisible(afterById.get(before.id)!)) - Number(isVisible(before));
    if (delta === 0) continue;
    articleDelta.set(before.articleId, (articleDelta.get(before.articleId) ?? 0) + delta);
    authorDelta.set(before.authorId, (authorDelta.get(before.authorId) ?? 0) + delta);
  }
  for (const [id, delta] of [...articleDelta].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (delta !== 0) await tx.article.update({ where: { id }, data: { approvedCommentCount: { increment: delta } } });
  }
  for (const [id, delta] of [...authorDelta].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (delta !== 0) await tx.user.update({ where: { id }, data: { approvedCommentCount: { increment: delta } } });
  }
  if (audit) {
    await tx.moderationAction.createMany({
      data: befores.map((before) => ({
        commentId: before.id,
        moderatorId: audit.actorId,
        action: audit.action,
        fromStatus: before.status,
        toStatus: change.status,
        reason: audit.reason ?? null,
      })),
    });
  }
  return befores.map((b) => afterById.get(b.id)!);
}
