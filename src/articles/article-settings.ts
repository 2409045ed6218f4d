import { Prisma } from '../generated/prisma/client.js';

/** An article's comment settings (comments open, pre- or post-moderation, trusted authors' bypass), changed by moderators. */

export const articleSettingsSelect = {
  id: true,
  slug: true,
  title: true,
  commentsOpen: true,
  moderationMode: true,
  trustedBypass: true,
  triageOverrides: true,
  approvedCommentCount: true,
  updatedAt: true,
} satisfies Prisma.ArticleSelect;

export type ArticleSettingsRow = Prisma.ArticleGetPayload<{ select: typeof articleSettingsSelect }>;

export interface CommentSettingsChange {
  commentsOpen?: boolean;
  moderationMode?: 'pre' | 'post';
  trustedBypass?: boolean;
  /** The article's overrides of the triage rules (src/triage); Prisma.DbNull removes them. */
  triageOverrides?: Prisma.InputJsonValue | typeof Prisma.DbNull;
}

/**
 * Locks the article (FOR UPDATE) and changes only the given settings, in the caller's transaction: the settings
 * before and the article after, or undefined for an unknown slug.
 */
export async function changeCommentSettings(
  tx: Prisma.TransactionClient,
  slug: string,
  change: CommentSettingsChange,
): Promise<
  { before: { commentsOpen: boolean; moderation: string; trustedBypass: boolean; triage: unknown }; after: ArticleSettingsRow } | undefined
> {
  const [before] = await tx.$queryRaw<
    { id: string; comments_open: boolean; moderation_mode: string; trusted_bypass: boolean; triage_overrides: unknown }[]
  >`
    SELECT id, comments_open, moderation_mode::text, trusted_bypass, triage_overrides FROM articles WHERE slug = ${slug} FOR UPDATE`;
  if (!before) return undefined;
  const after = await tx.article.update({ where: { id: before.id }, data: change, select: articleSettingsSelect });
  return {
    before: {
      commentsOpen: before.comments_open,
      moderation: before.moderation_mode,
      trustedBypass: before.trusted_bypass,
      triage: before.triage_overrides ?? {},
    },
    after,
  };
}
