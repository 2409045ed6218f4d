import type { Prisma } from '../generated/prisma/client.js';
import type { StateEffect } from './comment-statement.js';

/** A comment's earlier bodies (table `comment_revisions`, append-only): kept by every edit, erased with the author's account. */

/** Keeps the body being replaced as a revision, in the same statement as the edit (a StateEffect). */
export const keepRevision = (body: string, version: number): StateEffect => ({
  name: 'revision',
  sql: (p) => `INSERT INTO comment_revisions (id, comment_id, body, version, created_at)
               SELECT gen_random_uuid(), d.id, ${p.p(body, 'text')}, ${p.p(version, 'int')}, now() FROM changed d
               RETURNING id`,
});

/** Deletes the revisions of these comments (the table refuses DELETE; the erase_comment_revisions function may). */
export async function eraseRevisions(tx: Prisma.TransactionClient, commentIds: string[]): Promise<void> {
  await tx.$queryRaw`SELECT erase_comment_revisions(${commentIds}::uuid[])`;
}
