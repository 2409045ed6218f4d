import type { Prisma } from '../../generated/prisma/client.js';

/** An erased account's publisher identities (SSO issuer + sub) go: signing in to it with the publisher is impossible. */
export async function forgetIdentities(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  await tx.userIdentity.deleteMany({ where: { userId } });
}
