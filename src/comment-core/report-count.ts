import type { Prisma } from '../generated/prisma/client.js';
import { commentSnapshotSelect } from './comment-state.js';

/**
 * A reader's report counts on a published comment: an atomic increment (it takes the row lock) rather than
 * read-then-write, so concurrent reports all count and exactly one of them sees a given count. No version bump: a
 * moderator's open decision stays valid. Undefined when the comment is hidden or deleted meanwhile.
 */
export async function countReport(tx: Prisma.TransactionClient, commentId: string) {
  const [after] = await tx.comment.updateManyAndReturn({
    where: { id: commentId, status: 'approved', deletedAt: null },
    data: { reportCount: { increment: 1 } },
    select: { ...commentSnapshotSelect, reportCount: true },
  });
  return after;
}
