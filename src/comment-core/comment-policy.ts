import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import type { CommentStatus, ModerationMode } from '../generated/prisma/enums.js';
import type { FilterVerdict } from '../word-filter/word-filter.service.js';
import type { AuditEntry } from './comment-statement.js';

export interface StatusDecision {
  status: CommentStatus;
  statusReason: string | null;
  audit: AuditEntry | null;
}

export interface ModerationContext {
  moderationMode: ModerationMode;
  trustedBypass: boolean;
  /** The author's approved, not deleted comments. */
  authorApprovedCount: number;
  /** TRUSTED_USER_APPROVED_COMMENTS; 0 turns the trusted bypass off. */
  trustedThreshold: number;
}

const reasonFor = (label: string, matched: string[]) => `${label}: ${matched.join(', ')}`.slice(0, 500);

/**
 * Which state a new (or newly edited) body starts in. The word filter wins over everything: banned words reject
 * at once, suspect words hold for a moderator even on post-moderated articles and for trusted authors.
 */
export function decideStatus(ctx: ModerationContext, verdict: FilterVerdict): StatusDecision {
  if (verdict.verdict === 'banned') {
    const reason = reasonFor('banned words', verdict.matched);
    return { status: 'rejected', statusReason: reason, audit: { action: 'filter_reject', actorId: null, reason } };
  }
  if (verdict.verdict === 'suspect') {
    const reason = reasonFor('suspect words', verdict.matched);
    return { status: 'pending', statusReason: reason, audit: { action: 'filter_hold', actorId: null, reason } };
  }
  if (ctx.moderationMode === 'post') {
    return { status: 'approved', statusReason: null, audit: { action: 'auto_approve', actorId: null, reason: 'post-moderated article' } };
  }
  if (ctx.trustedThreshold > 0 && ctx.trustedBypass && ctx.authorApprovedCount >= ctx.trustedThreshold) {
    return { status: 'approved', statusReason: null, audit: { action: 'auto_approve', actorId: null, reason: 'trusted author' } };
  }
  return { status: 'pending', statusReason: null, audit: null };
}

/** Staff powers, which a ban suspends (a banned moderator reads like a reader on the routes open to them). */
export const isModerator = (user: AuthUser | undefined): boolean =>
  user !== undefined && !user.banned && (user.role === 'moderator' || user.role === 'admin');

/** Readers see approved comments (deleted ones as placeholders); authors also their own, moderators everything. */
export function canView(c: { status: CommentStatus; authorId: string; deletedAt: Date | null }, viewer: AuthUser | undefined): boolean {
  if (c.status === 'approved' || isModerator(viewer)) return true;
  return viewer !== undefined && c.authorId === viewer.id && c.deletedAt === null;
}

export const commentNotFound = () => AppError.notFound('COMMENT_NOT_FOUND', 'No such comment');
