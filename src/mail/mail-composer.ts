import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ClaimedMail } from './mail-queue.js';
import { MailSettings } from './mail-settings.js';
import {
  confirmationMail,
  digestMail,
  excerpt,
  type MailLocale,
  noticeOutcomeMail,
  queueDigestMail,
  type RenderedMail,
  replyMail,
  type ReplyItem,
  statementMail,
} from './mail-templates.js';
import { MailTokens } from './mail-tokens.js';

/**
 * A reply or digest mail not sent within this long is dropped as stale (mail was off, or the server was away for
 * days): news of an old reply is noise. Statements of reasons have no such limit.
 */
export const REPLY_STALE_MS = 7 * 86_400_000;

/** A mail ready for the transport, or why it must not be sent any more. */
export type Composed = { to: string; mail: RenderedMail; headers: Record<string, string> } | { cancel: string };

interface Recipient {
  email: string;
  locale: MailLocale;
  replies: 'off' | 'immediate' | 'digest';
}

/**
 * Builds a claimed outbox row into a mail, reading what it needs at send time, and re-checks that its recipient may
 * still receive it: an erased account receives nothing, a banned one only transactional mail (statements of reasons),
 * an unverified address nothing, and reply mails only while the reader is still opted in.
 */
@Injectable()
export class MailComposer {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: MailSettings,
    private readonly tokens: MailTokens,
  ) {}

  unsubscribeUrl(userId: string): string {
    return `${this.settings.origin}/api/email/unsubscribe?token=${this.tokens.unsubscribeToken(userId)}`;
  }

  async compose(m: ClaimedMail): Promise<Composed> {
    switch (m.kind) {
      case 'reply':
      case 'digest':
        return this.replies(m);
      case 'queue_digest':
        return this.queueDigest(m);
      case 'confirm':
        return this.confirmation(m);
      case 'statement':
        return this.statement(m);
      case 'notice_outcome':
        return this.noticeOutcome(m);
      default:
        return { cancel: `unknown kind ${String(m.kind)}` };
    }
  }

  /** The account's address when it may receive this mail now, or why not. */
  private async recipient(userId: string | null, transactional: boolean): Promise<Recipient | string> {
    if (!userId) return 'no account';
    const u = await this.prisma.user.findUnique({
      where: { id: userId },
      select: { email: true, emailVerifiedAt: true, deletedAt: true, bannedAt: true, bannedUntil: true, mailPreference: true },
    });
    if (!u || u.deletedAt) return 'account erased';
    if (!u.email || !u.emailVerifiedAt) return 'address not verified';
    if (!transactional && u.bannedAt && (!u.bannedUntil || u.bannedUntil > new Date())) return 'account banned';
    return { email: u.email, locale: (u.mailPreference?.locale ?? 'bg') as MailLocale, replies: u.mailPreference?.replies ?? 'off' };
  }

  private headers(userId: string): Record<string, string> {
    return { 'List-Unsubscribe': `<${this.unsubscribeUrl(userId)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }

  /** A link to a comment: on the article's own page (its canonical URL) where it has one, else on this service's page. */
  private commentLink(article: { slug: string; url: string | null }, commentId: string): string {
    const page = article.url ?? `${this.settings.origin}/articles/${encodeURIComponent(article.slug)}`;
    return `${page}#c-${commentId}`;
  }

  private async replies(m: ClaimedMail): Promise<Composed> {
    const r = await this.recipient(m.userId, false);
    if (typeof r === 'string') return { cancel: r };
    if (r.replies === 'off') return { cancel: 'unsubscribed' };
    if (Date.now() - m.createdAt.getTime() > REPLY_STALE_MS) return { cancel: 'stale: not sent within 7 days' };
    const ids = m.kind === 'reply' ? (m.commentId ? [m.commentId] : []) : await this.digestCommentIds(m);
    const comments = await this.prisma.comment.findMany({
      where: { id: { in: ids }, status: 'approved', deletedAt: null },
      select: {
        id: true,
        body: true,
        createdAt: true,
        author: { select: { username: true, displayName: true, deletedAt: true } },
        article: { select: { slug: true, title: true, url: true } },
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    if (!comments.length) return { cancel: 'the reply is no longer published' };
    const items: ReplyItem[] = comments.map((c) => ({
      articleTitle: c.article.title,
      replier: c.author.deletedAt
        ? r.locale === 'bg'
          ? 'Изтрит профил'
          : 'A deleted account'
        : (c.author.displayName ?? c.author.username),
      excerpt: excerpt(c.body),
      link: this.commentLink(c.article, c.id),
    }));
    const unsubscribe = this.unsubscribeUrl(m.userId!);
    const mail = m.kind === 'reply' ? replyMail(r.locale, items[0], unsubscribe) : digestMail(r.locale, items, unsubscribe);
    return { to: r.email, mail, headers: this.headers(m.userId!) };
  }

  /** The moderators' daily mail: how many comments wait, since when; nothing when the queue is empty. */
  private async queueDigest(m: ClaimedMail): Promise<Composed> {
    const r = await this.recipient(m.userId, false);
    if (typeof r === 'string') return { cancel: r };
    const u = await this.prisma.user.findUniqueOrThrow({
      where: { id: m.userId! },
      select: { role: true, mailPreference: { select: { queueDigest: true } } },
    });
    if (u.role === 'reader') return { cancel: 'no longer staff' };
    if (!u.mailPreference?.queueDigest) return { cancel: 'unsubscribed' };
    const where = { status: 'pending', deletedAt: null } as const;
    const [pending, oldest] = await Promise.all([
      this.prisma.comment.count({ where }),
      this.prisma.comment.findFirst({ where, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
    ]);
    if (!pending) return { cancel: 'the queue is empty' };
    const mail = queueDigestMail(
      r.locale,
      pending,
      oldest?.createdAt ?? null,
      `${this.settings.origin}/admin`,
      this.unsubscribeUrl(m.userId!),
    );
    return { to: r.email, mail, headers: this.headers(m.userId!) };
  }

  private async digestCommentIds(m: ClaimedMail): Promise<string[]> {
    const items = Array.isArray(m.data.items) ? (m.data.items as string[]) : [];
    const rows = await this.prisma.mailOutbox.findMany({ where: { id: { in: items }, userId: m.userId }, select: { commentId: true } });
    return rows.flatMap((row) => (row.commentId ? [row.commentId] : []));
  }

  private async confirmation(m: ClaimedMail): Promise<Composed> {
    if (!m.refId || !m.userId) return { cancel: 'no confirmation' };
    const c = await this.prisma.emailConfirmation.findUnique({
      where: { id: m.refId },
      select: { email: true, expiresAt: true, usedAt: true, user: { select: { email: true, deletedAt: true, mailPreference: true } } },
    });
    if (!c || c.usedAt || c.expiresAt <= new Date()) return { cancel: 'confirmation used or expired' };
    if (c.user.deletedAt || c.user.email !== c.email) return { cancel: 'address changed or account erased' };
    const url = `${this.settings.origin}/api/email/confirm?token=${this.tokens.confirmationToken(m.refId)}`;
    return { to: c.email, mail: confirmationMail((c.user.mailPreference?.locale ?? 'bg') as MailLocale, url), headers: {} };
  }

  private async statement(m: ClaimedMail): Promise<Composed> {
    const r = await this.recipient(m.userId, true);
    if (typeof r === 'string') return { cancel: r };
    const ids = Array.isArray(m.data.items) ? (m.data.items as string[]) : m.refId ? [m.refId] : [];
    const rows = await this.prisma.statementOfReasons.findMany({
      where: { id: { in: ids }, userId: m.userId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        decisionVisibility: true,
        decisionAccount: true,
        decisionGround: true,
        decisionFacts: true,
        incompatibleContentGround: true,
        illegalContentLegalGround: true,
        restrictionEndsAt: true,
        comment: { select: { id: true, body: true, article: { select: { slug: true, url: true } } } },
      },
    });
    if (!rows.length) return { cancel: 'statement gone' };
    const facts = rows.map((s) => ({
      action: [...s.decisionVisibility, ...(s.decisionAccount ? [s.decisionAccount] : [])].join(', ') || 'decision',
      ground: s.incompatibleContentGround ?? s.illegalContentLegalGround ?? s.decisionGround,
      facts: s.decisionFacts,
      restrictionEndsAt: s.restrictionEndsAt,
      commentExcerpt: s.comment?.body ? excerpt(s.comment.body) : null,
      decisionsUrl: s.comment ? this.commentLink(s.comment.article, s.comment.id) : `${this.settings.origin}/`,
    }));
    return { to: r.email, mail: statementMail(r.locale, facts, this.unsubscribeUrl(m.userId!)), headers: this.headers(m.userId!) };
  }

  private async noticeOutcome(m: ClaimedMail): Promise<Composed> {
    if (!m.toAddress) return { cancel: 'no address' };
    const n = await this.prisma.notice.findUnique({
      where: { id: m.refId ?? '' },
      select: { id: true, outcome: true, decisionExplanation: true, notifierEmail: true },
    });
    // The notifier's contact is removed after RETENTION_NOTICE_CONTACT_DAYS: then nothing is sent.
    if (!n?.outcome || !n.notifierEmail) return { cancel: 'notice or its contact gone' };
    return { to: n.notifierEmail, mail: noticeOutcomeMail('bg', n.outcome, n.decisionExplanation, n.id), headers: {} };
  }
}
