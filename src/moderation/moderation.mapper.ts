import type { QueueNoticeDto } from '../dsa/dto/notice.dto.js';
import type { CommentHoldDto } from '../holds/comment-holds.js';
import type { QueueParentDto } from './dto/moderation-response.dto.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { CommentStatus, Role } from '../generated/prisma/enums.js';
import { isBanned } from '../users/user.mapper.js';

/** The comment fields a moderator sees (queue items and decision responses). */
export const adminCommentSelect = {
  id: true,
  body: true,
  status: true,
  statusReason: true,
  version: true,
  parentId: true,
  depth: true,
  reportCount: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  featuredAt: true,
} satisfies Prisma.CommentSelect;

export type AdminCommentRow = Prisma.CommentGetPayload<{ select: typeof adminCommentSelect }>;

export function toAdminCommentView(c: AdminCommentRow) {
  return {
    id: c.id,
    body: c.body,
    status: c.status,
    statusReason: c.statusReason,
    version: c.version,
    parentId: c.parentId,
    depth: c.depth,
    createdAt: c.createdAt.toISOString(),
    editedAt: c.editedAt?.toISOString() ?? null,
    deletedAt: c.deletedAt?.toISOString() ?? null,
    featured: c.featuredAt !== null,
  };
}

/** One row of the queue query (moderation-queue.repository.ts), flattened by SQL aliases. */
export interface QueueRow extends AdminCommentRow {
  articleId: string;
  articleSlug: string;
  articleTitle: string;
  authorId: string;
  authorUsername: string;
  authorApprovedCommentCount: number;
  authorBannedAt: Date | null;
  authorBannedUntil: Date | null;
  authorRole: Role;
  reportReasons: string[];
  /** The open notices (DSA Art. 16), oldest first, as JSON built by the query. */
  notices: QueueNoticeDto[];
  status: CommentStatus;
  /** Why it was held (src/holds), as JSON built by the query. */
  hold: CommentHoldDto | null;
  parent: QueueParentDto | null;
}

export function toQueueItem(r: QueueRow) {
  return {
    adminComment: toAdminCommentView(r),
    article: { id: r.articleId, slug: r.articleSlug, title: r.articleTitle },
    author: {
      id: r.authorId,
      username: r.authorUsername,
      approvedCommentCount: r.authorApprovedCommentCount,
      banned: isBanned({ bannedAt: r.authorBannedAt, bannedUntil: r.authorBannedUntil }),
      role: r.authorRole,
    },
    reportCount: r.reportCount,
    reportReasons: r.reportReasons,
    notices: r.notices,
    hold: r.hold,
    parent: r.parent,
  };
}
