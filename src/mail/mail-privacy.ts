import type { Prisma } from '../generated/prisma/client.js';

/**
 * GDPR erasure (privacy/account-erasure.service.ts), in its transaction: the account's mail preferences, confirmation
 * links and every mail record, sent or waiting (nothing is ever sent to an erased account), and the mails waiting for
 * its address as a notifier (DSA notices filed anonymously with the same address).
 */
export async function forgetMail(tx: Prisma.TransactionClient, userId: string, email: string | null): Promise<void> {
  await tx.mailOutbox.deleteMany({ where: { OR: [{ userId }, ...(email ? [{ toAddress: email }] : [])] } });
  await tx.mailPreference.deleteMany({ where: { userId } });
  await tx.emailConfirmation.deleteMany({ where: { userId } });
}
