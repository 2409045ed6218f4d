import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { Role } from '../../generated/prisma/enums.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { isActive, lockAccounts } from '../../users/account-locks.js';
import { selfUserSelect, type SelfUserView, toSelfUserView } from '../../users/user.mapper.js';
import { usernameBase } from '../../users/username-rules.js';
import { UsernamesService } from '../../users/usernames.service.js';
import { AuthService } from '../auth.service.js';
import type { SsoProfile } from './sso-profile.js';
import { appendAudit } from '../../audit/audit-log.js';

/** Rounds of a sign-in that collided with a concurrent one (same reader twice, or a name taken meanwhile). */
const MAX_ATTEMPTS = 3;

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

const accountSelect = { ...selfUserSelect, deletedAt: true, badge: true, emailVerifiedAt: true } satisfies Prisma.UserSelect;

/** `emailVerifiedAt` for an address the token brings: confirmed now when the publisher said `email_verified: true`. */
const verifiedAt = (profile: SsoProfile) => (profile.email && profile.emailVerified ? new Date() : null);

/**
 * Accounts behind publisher sign-ins (POST /api/auth/sso). A verified token's (issuer, sub) is looked up in
 * `user_identities`:
 *   - known: the linked account signs in (a banned one too, like login: its user view carries `ban`); its email and display name follow
 *     the token (a claim the token leaves out changes nothing; an email another account holds is not taken);
 *   - first sight: a new reader account without a password, its username derived from the token's `username` or
 *     `name` (never from the email, which would be published) and made unique with the registration rules;
 *   - first sight with an email an account here already holds: that account is never taken over silently. Without
 *     `password`, 409 SSO_EMAIL_CONFLICT; with that account's password (checked like a login: the same per-account
 *     limit, the same 401 INVALID_CREDENTIALS), the identity is linked to it.
 * Roles come from the token only when SSO_TRUST_ROLES=true and it carries SSO_ROLE_CLAIM (readSsoProfile); every
 * change is applied under the staff-change locks and audited as a `role_change` with no moderator and
 * `details.source = "sso"`. The last active admin is never demoted by a token.
 */
@Injectable()
export class SsoAccountsService {
  private readonly logger = new Logger(SsoAccountsService.name);
  private readonly roleClaim?: string;

  constructor(
    private readonly prisma: PrismaService,
    private readonly usernames: UsernamesService,
    private readonly auth: AuthService,
    config: AppConfig,
  ) {
    this.roleClaim = config.get('SSO_ROLE_CLAIM');
  }

  async signIn(profile: SsoProfile, password?: string, clientAddress?: string): Promise<SelfUserView> {
    for (let attempt = 1; ; attempt++) {
      try {
        const identity = await this.prisma.userIdentity.findUnique({
          where: { issuer_subject: { issuer: profile.issuer, subject: profile.subject } },
          select: { id: true, userId: true },
        });
        if (identity) return await this.prisma.transaction((tx) => this.refresh(tx, identity, profile));
        return await this.firstSight(profile, password, clientAddress);
      } catch (err) {
        // The same reader signing in twice at once (the identity), or a username or email taken meanwhile: the
        // next round finds the identity, or derives another name, or sees the email conflict.
        if (!isUniqueViolation(err)) throw err;
        if (attempt >= MAX_ATTEMPTS) {
          throw new AppError('SERVICE_UNAVAILABLE', 'The sign-in collided with concurrent ones; retry in a moment', undefined, {
            'retry-after': '1',
          });
        }
      }
    }
  }

  private async firstSight(profile: SsoProfile, password: string | undefined, clientAddress?: string): Promise<SelfUserView> {
    if (profile.email) {
      const claimed = await this.claimImported(profile, profile.email);
      if (claimed) return claimed;
      const holder = await this.prisma.user.findUnique({ where: { email: profile.email }, select: { id: true } });
      if (holder) return this.link(profile, profile.email, password, clientAddress);
    }
    return this.create(profile);
  }

  /**
   * The claim rule (docs/import-export.md): a first sign-in whose verified email is the claim address of an
   * account an import created takes that account over (the oldest, if several), linking the identity and making
   * the address its email. Nothing else could prove ownership: the account has no password. Not when another
   * account already holds the email as its login (that account's own rules apply).
   */
  private async claimImported(profile: SsoProfile, email: string): Promise<SelfUserView | undefined> {
    return this.prisma.transaction(async (tx) => {
      const [candidate] = await tx.$queryRaw<{ id: string }[]>`
        SELECT u.id FROM users u
        WHERE u.unclaimed AND u.claim_email = ${email} AND u.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM users h WHERE h.email = ${email})
          AND NOT EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = u.id AND i.issuer = ${profile.issuer})
        ORDER BY u.created_at, u.id
        LIMIT 1
        FOR UPDATE OF u SKIP LOCKED`;
      if (!candidate) return undefined;
      const user = await tx.user.update({
        where: { id: candidate.id },
        data: {
          unclaimed: false,
          email,
          emailVerifiedAt: verifiedAt(profile),
          ...(profile.displayName !== undefined ? { displayName: profile.displayName } : {}),
          identities: { create: { issuer: profile.issuer, subject: profile.subject } },
        },
        select: selfUserSelect,
      });
      await appendAudit(tx, {
        action: 'account_claim',
        actorId: null,
        targetUserId: user.id,
        details: { source: 'sso', issuer: profile.issuer },
      });
      this.logger.log({ msg: 'imported account claimed by a publisher sign-in', userId: user.id });
      return toSelfUserView(user);
    });
  }

  /** First sight with an email an account holds: link only with that account's password. */
  private async link(profile: SsoProfile, email: string, password: string | undefined, clientAddress?: string): Promise<SelfUserView> {
    if (password === undefined) {
      throw AppError.conflict(
        'SSO_EMAIL_CONFLICT',
        "An account with this email already exists here; send that account's password with the token to link it to your sign-in",
      );
    }
    // Rate-limited per account and uniform like a login.
    const account = await this.auth.validateCredentials(email, password, clientAddress);
    if (!account) throw AppError.unauthorized('INVALID_CREDENTIALS', 'Invalid login or password');
    return this.prisma.transaction(async (tx) => {
      const other = await tx.userIdentity.findUnique({
        where: { userId_issuer: { userId: account.id, issuer: profile.issuer } },
        select: { id: true },
      });
      if (other)
        throw AppError.conflict('SSO_EMAIL_CONFLICT', 'The account with this email is already linked to another account at the publisher');
      const identity = await tx.userIdentity.create({
        data: { userId: account.id, issuer: profile.issuer, subject: profile.subject },
        select: { id: true, userId: true },
      });
      this.logger.log({ msg: 'publisher identity linked to an existing account', userId: account.id });
      return this.refresh(tx, identity, profile);
    });
  }

  private async create(profile: SsoProfile): Promise<SelfUserView> {
    const role: Role = profile.role ?? 'reader';
    const staff = role !== 'reader';
    return this.usernames.createWithUniqueName(this.usernameSeed(profile, staff), { staff }, (name) =>
      this.prisma.transaction(async (tx) => {
        const user = await tx.user.create({
          data: {
            email: profile.email ?? null,
            emailVerifiedAt: verifiedAt(profile),
            username: name.username,
            usernameNormalized: name.normalized,
            usernameSkeleton: name.skeleton,
            displayName: profile.displayName ?? null,
            badge: profile.badge ?? null,
            role,
            identities: { create: { issuer: profile.issuer, subject: profile.subject } },
          },
          select: selfUserSelect,
        });
        if (staff) await this.auditRoleChange(tx, user.id, 'reader', role, profile.issuer, true);
        this.logger.log({ msg: 'account created from a publisher sign-in', userId: user.id, role });
        return toSelfUserView(user);
      }),
    );
  }

  /**
   * A known identity signs in: refuse a deleted account, then bring the account up to date with the token (email,
   * display name, and the role when trusted) and note when the identity was last seen. A banned account signs in
   * as with a password (AuthService.validateCredentials); what it may do then is JwtAuthGuard's to decide.
   */
  private async refresh(
    tx: Prisma.TransactionClient,
    identity: { id: string; userId: string },
    profile: SsoProfile,
  ): Promise<SelfUserView> {
    let user = await tx.user.findUniqueOrThrow({ where: { id: identity.userId }, select: accountSelect });
    if (user.deletedAt) throw AppError.forbidden('SSO_ACCOUNT_DELETED', 'The account linked to this sign-in was deleted');

    const data: Prisma.UserUpdateInput = {};
    if (profile.displayName !== undefined && profile.displayName !== user.displayName) data.displayName = profile.displayName;
    if (profile.badge !== undefined && profile.badge !== user.badge) data.badge = profile.badge;
    if (profile.email !== undefined && profile.email !== user.email) {
      const holder = await tx.user.findUnique({ where: { email: profile.email }, select: { id: true } });
      if (holder) this.logger.warn({ msg: 'publisher email belongs to another account here; keeping the old one', userId: user.id });
      else {
        data.email = profile.email;
        // A new address is confirmed only if the publisher vouches for it; an old confirmation does not carry over.
        data.emailVerifiedAt = verifiedAt(profile);
      }
    } else if (profile.email !== undefined && profile.emailVerified && !user.emailVerifiedAt) {
      data.emailVerifiedAt = new Date();
    }
    if (Object.keys(data).length) user = await tx.user.update({ where: { id: user.id }, data, select: accountSelect });
    if (profile.role !== undefined && profile.role !== user.role)
      user = { ...user, role: await this.applyRole(tx, user.id, user.role, profile.role, profile.issuer) };
    await tx.userIdentity.update({ where: { id: identity.id }, data: { lastSeenAt: new Date() } });
    return toSelfUserView(user);
  }

  /**
   * Sets the role the trusted token names, under the same locks as an admin's role change (account-locks.ts).
   * Demoting an admin locks every admin and keeps the last active one. Returns the role the account ends with.
   */
  private async applyRole(tx: Prisma.TransactionClient, userId: string, seen: Role, to: Role, issuer: string): Promise<Role> {
    const demotesAdmin = seen === 'admin';
    const locked = await lockAccounts(tx, [userId], { admins: demotesAdmin });
    const from = locked.get(userId)!.role;
    if (from === to) return from;
    // Promoted to admin between our read and the lock: admins are not locked, so leave it for the next sign-in.
    if (from === 'admin' && !demotesAdmin) return from;
    if (from === 'admin' && ![...locked.values()].some((u) => u.id !== userId && u.role === 'admin' && isActive(u))) {
      this.logger.warn({ msg: 'the publisher token would demote the last admin; role kept', userId });
      return from;
    }
    await tx.user.update({ where: { id: userId }, data: { role: to } });
    await this.auditRoleChange(tx, userId, from, to, issuer, false);
    this.logger.log({ msg: 'role changed by the publisher token', userId, from, to });
    return to;
  }

  private async auditRoleChange(
    tx: Prisma.TransactionClient,
    userId: string,
    from: Role,
    to: Role,
    issuer: string,
    newAccount: boolean,
  ): Promise<void> {
    await appendAudit(tx, {
      action: 'role_change',
      actorId: null,
      targetUserId: userId,
      reason: `${from} -> ${to}`,
      details: { source: 'sso', issuer, claim: this.roleClaim ?? null, newAccount },
    });
  }

  /** The first of `username`, `name` that yields a usable name (reserved ones only for staff); else "reader". */
  private usernameSeed(profile: SsoProfile, staff: boolean): string {
    const opts = { reserved: this.usernames.reserved, staff };
    return [profile.preferredUsername, profile.displayName].find((s) => s !== undefined && usernameBase(s, opts) !== 'reader') ?? 'reader';
  }
}
