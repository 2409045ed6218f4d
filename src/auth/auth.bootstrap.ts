import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { normalizeEmail } from '../common/text/email.js';
import { UsernamesService } from '../users/usernames.service.js';
import { passwordEqualsIdentity } from './credential-rules.js';
import { PasswordService } from './password.service.js';

export type EnsureAdminOutcome = 'disabled' | 'created' | 'exists' | 'not-admin' | 'invalid' | 'username-taken';

/**
 * Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD at startup (main.ts, after migrations).
 * Idempotent: an existing account with that email is never changed, so a password changed after the first boot
 * survives restarts. If that email belongs to a non-admin (or a deleted account), it is left alone with a warning:
 * silently promoting an account from an environment variable would turn a config typo into privilege escalation.
 * Configuration problems are logged, not fatal: the API still starts and an existing admin can fix things. A
 * database failure here is fatal like any other startup failure.
 */
@Injectable()
export class AuthBootstrap {
  private readonly logger = new Logger(AuthBootstrap.name);

  constructor(
    private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordService,
    private readonly usernames: UsernamesService,
  ) {}

  async ensureAdmin(): Promise<EnsureAdminOutcome> {
    const rawEmail = this.config.get('ADMIN_EMAIL');
    const password = this.config.get('ADMIN_PASSWORD');
    if (!rawEmail || !password) {
      if (rawEmail || password) this.logger.warn('set both ADMIN_EMAIL and ADMIN_PASSWORD to create the first admin; skipping');
      return 'disabled';
    }
    const email = normalizeEmail(rawEmail);
    // The first admin is staff: a reserved name such as "admin" is allowed.
    const name = this.usernames.check(this.config.get('ADMIN_USERNAME'), { staff: true });

    const existing = await this.prisma.user.findUnique({ where: { email }, select: { id: true, role: true, deletedAt: true } });
    if (existing) {
      if (existing.role === 'admin' && !existing.deletedAt) return 'exists';
      this.logger.warn({ msg: 'ADMIN_EMAIL belongs to an account that is not an active admin; leaving it unchanged', userId: existing.id });
      return 'not-admin';
    }
    if (!name.ok) {
      this.logger.error(`first admin not created: ADMIN_USERNAME is not valid: ${name.message}`);
      return 'invalid';
    }
    if (passwordEqualsIdentity(password, email, name.username)) {
      this.logger.error('first admin not created: ADMIN_PASSWORD must differ from ADMIN_USERNAME and ADMIN_EMAIL');
      return 'invalid';
    }
    // Another ADMIN_EMAIL while admins exist adds one more admin: the log must not call it the first.
    const others = await this.prisma.user.count({ where: { role: 'admin', deletedAt: null } });
    try {
      const admin = await this.prisma.user.create({
        data: {
          email,
          username: name.username,
          usernameNormalized: name.normalized,
          usernameSkeleton: name.skeleton,
          passwordHash: await this.passwords.hash(password),
          role: 'admin',
        },
        select: { id: true },
      });
      this.logger.log(
        others
          ? { msg: 'admin created from ADMIN_EMAIL (other admins already exist)', userId: admin.id, otherAdmins: others }
          : { msg: 'first admin created', userId: admin.id },
      );
      return 'created';
    } catch (err) {
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
      // Another instance booting at the same moment created it, or the username belongs to someone else.
      const raced = await this.prisma.user.findUnique({ where: { email }, select: { role: true } });
      if (raced) return raced.role === 'admin' ? 'exists' : 'not-admin';
      this.logger.error('first admin not created: ADMIN_USERNAME is taken by another account; choose another ADMIN_USERNAME');
      return 'username-taken';
    }
  }
}
