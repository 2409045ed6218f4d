import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuthService, type AuthResult } from '../auth/auth.service.js';
import { passwordEqualsIdentity } from '../auth/credential-rules.js';
import { PasswordService } from '../auth/password.service.js';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { selfUserSelect, toSelfUserView } from '../users/user.mapper.js';
import { normalizeEmail } from '../common/text/email.js';
import { UsernamesService } from '../users/usernames.service.js';
import type { SetupAdminDto } from './setup.dto.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const invalidCode = () =>
  AppError.forbidden('SETUP_CODE_INVALID', 'The setup code is wrong, already used or expired; restart the service for a new link');

/**
 * The first admin without ADMIN_EMAIL / ADMIN_PASSWORD: while no active admin exists, every start prints a link to
 * /admin/setup with a one-time code in its fragment (never sent to a server, so it stays out of access logs and
 * Referer headers); the page posts the code with the new account (POST /api/setup/admin). A code works once,
 * for ADMIN_SETUP_CODE_TTL_MINUTES, and only while there is no admin; a new start replaces the codes before it.
 */
@Injectable()
export class FirstAdminSetup {
  private readonly logger = new Logger('FirstAdminSetup');

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly passwords: PasswordService,
    private readonly usernames: UsernamesService,
    private readonly auth: AuthService,
  ) {}

  /** At start-up (main.ts): prints the setup link when no admin exists. Returns it (null when there is an admin). */
  async announce(origin: string): Promise<string | null> {
    if (await this.adminExists()) return null;
    if (this.config.get('LOCAL_AUTH') === 'false') {
      this.logger.warn(
        'no admin exists yet: with LOCAL_AUTH=false make one with SSO_ROLE_CLAIM and SSO_TRUST_ROLES, or set ADMIN_EMAIL and ADMIN_PASSWORD with LOCAL_AUTH=staff',
      );
      return null;
    }
    const { code, minutes } = await this.issueCode();
    const link = `${origin}/admin/setup#code=${code}`;
    this.logger.warn(`no admin exists yet: open ${link} within ${minutes} minutes to create the first one (the link works once)`);
    return link;
  }

  /** A fresh code (earlier unused codes stop working). */
  async issueCode(): Promise<{ code: string; expiresAt: Date; minutes: number }> {
    const code = randomBytes(18).toString('base64url');
    const minutes = this.config.get('ADMIN_SETUP_CODE_TTL_MINUTES');
    const expiresAt = new Date(Date.now() + minutes * 60_000);
    await this.prisma.transaction(async (tx) => {
      await tx.setupCode.deleteMany({ where: { usedAt: null } });
      await tx.setupCode.create({ data: { codeHash: sha256(code), expiresAt } });
    });
    return { code, expiresAt, minutes };
  }

  /**
   * Creates the first admin and signs them in. Serialised by an advisory lock, so two pages racing with the same
   * code (or two codes) create one admin: the second finds the code used or the admin there (409 SETUP_ALREADY_DONE).
   */
  async createAdmin(dto: SetupAdminDto): Promise<AuthResult> {
    const name = this.usernames.check(dto.username, { staff: true });
    if (!name.ok)
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [{ field: 'username', message: name.message }]);
    const email = normalizeEmail(dto.email);
    if (passwordEqualsIdentity(dto.password, email, name.username))
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'password', message: 'password must not equal the email or the username' },
      ]);
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      const user = await this.prisma.transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('newsroom:first-admin'))`;
        if (await tx.user.count({ where: { role: 'admin', deletedAt: null } }))
          throw AppError.conflict('SETUP_ALREADY_DONE', 'An admin exists already: sign in instead');
        const claimed = await tx.setupCode.updateMany({
          where: { codeHash: sha256(dto.code), usedAt: null, expiresAt: { gt: new Date() } },
          data: { usedAt: new Date() },
        });
        if (claimed.count !== 1) throw invalidCode();
        const created = await tx.user.create({
          data: {
            email,
            username: name.username,
            usernameNormalized: name.normalized,
            usernameSkeleton: name.skeleton,
            passwordHash,
            role: 'admin',
          },
          select: selfUserSelect,
        });
        await tx.moderationAction.create({
          data: { action: 'role_change', moderatorId: created.id, targetUserId: created.id, reason: 'first admin (setup link)' },
        });
        return created;
      });
      this.logger.log({ msg: 'first admin created from the setup link', userId: user.id });
      return this.auth.login(toSelfUserView(user));
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        const emailTaken = await this.prisma.user.count({ where: { email } });
        if (emailTaken) throw AppError.conflict('EMAIL_TAKEN', 'An account with this email already exists');
        throw AppError.conflict('USERNAME_TAKEN', 'This username, or one that looks the same, is already taken');
      }
      throw err;
    }
  }

  private async adminExists(): Promise<boolean> {
    return (await this.prisma.user.count({ where: { role: 'admin', deletedAt: null } })) > 0;
  }
}
