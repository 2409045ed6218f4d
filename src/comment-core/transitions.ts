import { AppError } from '../common/errors/app-error.js';
import { capitalize, withArticle } from '../common/text/english.js';
import type { CommentStatus } from '../generated/prisma/enums.js';

/** The comment state machine: which moves a moderator may make, and which comments readers see. */

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
export const allowedFrom = (to: CommentStatus) => STATUSES.filter((from) => canModerate(from, to));

/** Readers see a comment (and the counters count it) when it is approved and not deleted. */
export const isVisible = (c: { status: CommentStatus; deletedAt: Date | null }) => c.status === 'approved' && c.deletedAt === null;
