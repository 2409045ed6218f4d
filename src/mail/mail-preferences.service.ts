import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ConfirmationSentDto, EmailConfirmedDto, NotificationsDto, UpdateNotificationsDto } from './dto/mail.dto.js';
import { MailSettings } from './mail-settings.js';
import { MailTokens } from './mail-tokens.js';
import { MailWorker } from './mail-worker.service.js';

const invalidToken = () =>
  AppError.badRequest('INVALID_MAIL_TOKEN', 'This link is not valid (altered, used, or expired); ask for a new one');

/**
 * A reader's mail preferences and the double opt-in of their address: a confirmation link (its token kept only as a
 * SHA-256, valid for 48 hours) and the one-click unsubscribe, which needs no sign-in (the link's signed token names
 * the account).
 */
@Injectable()
export class MailPreferencesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: MailSettings,
    private readonly tokens: MailTokens,
    private readonly worker: MailWorker,
  ) {}

  async get(userId: string): Promise<NotificationsDto> {
    const u = await this.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { email: true, emailVerifiedAt: true, mailPreference: { select: { replies: true, locale: true, queueDigest: true } } },
    });
    return {
      replies: u.mailPreference?.replies ?? 'off',
      locale: (u.mailPreference?.locale ?? 'bg') as NotificationsDto['locale'],
      queueDigest: u.mailPreference?.queueDigest ?? false,
      email: u.email,
      emailVerified: u.email !== null && u.emailVerifiedAt !== null,
      mailEnabled: this.settings.enabled,
    };
  }

  async update(userId: string, dto: UpdateNotificationsDto): Promise<NotificationsDto> {
    const data = { replies: dto.replies, locale: dto.locale, queueDigest: dto.queueDigest ?? false, updatedAt: new Date() };
    await this.prisma.mailPreference.upsert({ where: { userId }, create: { userId, ...data }, update: data });
    return this.get(userId);
  }

  /** Queues a confirmation mail to the account's address; earlier links of the account stop working. */
  async requestConfirmation(user: AuthUser): Promise<ConfirmationSentDto> {
    if (!this.settings.enabled) throw AppError.notFound('MAIL_NOT_CONFIGURED', 'E-mail is not set up on this site');
    const u = await this.prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { email: true, emailVerifiedAt: true } });
    if (!u.email) throw AppError.conflict('NO_EMAIL_ADDRESS', 'The account has no e-mail address');
    if (u.emailVerifiedAt) throw AppError.conflict('EMAIL_ALREADY_VERIFIED', 'The address is confirmed already');
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + this.settings.confirmationTtlMs);
    const email = u.email;
    await this.prisma.$transaction(async (tx) => {
      await tx.emailConfirmation.deleteMany({ where: { userId: user.id } });
      await tx.emailConfirmation.create({
        data: { id, userId: user.id, email, tokenHash: MailTokens.hash(this.tokens.confirmationToken(id)), expiresAt },
      });
      await tx.mailOutbox.create({ data: { kind: 'confirm', userId: user.id, refId: id } });
    });
    this.worker.wake();
    return { email, expiresAt: expiresAt.toISOString() };
  }

  /** The link's token: marks the address confirmed if it is still the account's address. */
  async confirm(token: string): Promise<EmailConfirmedDto> {
    const now = new Date();
    return this.prisma.$transaction(async (tx) => {
      const used = await tx.emailConfirmation.updateMany({
        where: { tokenHash: MailTokens.hash(token), usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (used.count !== 1) throw invalidToken();
      const c = await tx.emailConfirmation.findUniqueOrThrow({
        where: { tokenHash: MailTokens.hash(token) },
        select: { userId: true, email: true },
      });
      const verified = await tx.user.updateMany({
        where: { id: c.userId, email: c.email, deletedAt: null },
        data: { emailVerifiedAt: now },
      });
      if (verified.count !== 1) throw invalidToken();
      return { email: c.email, emailVerifiedAt: now.toISOString() };
    });
  }

  /** Whether an unsubscribe token is one this service signed for an account that exists (the GET page). */
  async checkUnsubscribe(token: string): Promise<void> {
    const userId = this.tokens.unsubscribeUser(token);
    if (!userId || !(await this.prisma.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw invalidToken();
  }

  /**
   * One-click unsubscribe (RFC 8058): every mail the account opted into stops (reply notifications, the queue digest),
   * and those waiting are dropped. Statements of reasons are not a subscription and still come.
   */
  async unsubscribe(token: string): Promise<void> {
    const userId = this.tokens.unsubscribeUser(token);
    if (!userId) throw invalidToken();
    await this.prisma.$transaction(async (tx) => {
      if (!(await tx.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw invalidToken();
      await tx.mailPreference.upsert({
        where: { userId },
        create: { userId, replies: 'off' },
        update: { replies: 'off', queueDigest: false, updatedAt: new Date() },
      });
      await tx.mailOutbox.updateMany({
        where: { userId, kind: { in: ['reply', 'digest', 'queue_digest'] }, status: { in: ['held', 'pending'] } },
        data: { status: 'cancelled', nextAttemptAt: null, completedAt: new Date(), lastError: 'unsubscribed' },
      });
    });
  }
}
