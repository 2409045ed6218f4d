import type { Prisma } from '../generated/prisma/client.js';
import type { CommentDto } from './dto/comment-response.dto.js';

export const publicCommentSelect = {
  id: true,
  body: true,
  status: true,
  parentId: true,
  rootId: true,
  depth: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  authorId: true,
  author: { select: { id: true, username: true } },
} satisfies Prisma.CommentSelect;

export type PublicCommentRow = Prisma.CommentGetPayload<{ select: typeof publicCommentSelect }>;

/** What readers see. A soft-deleted comment keeps its place in the thread but loses its body and author. */
export function toPublicCommentView(c: PublicCommentRow): CommentDto {
  const deleted = c.deletedAt !== null;
  return {
    id: c.id,
    body: deleted ? null : c.body,
    author: deleted ? null : { id: c.author.id, username: c.author.username },
    status: c.status,
    deleted,
    parentId: c.parentId,
    rootId: c.rootId,
    depth: c.depth,
    createdAt: c.createdAt.toISOString(),
    editedAt: c.editedAt?.toISOString() ?? null,
  };
}
