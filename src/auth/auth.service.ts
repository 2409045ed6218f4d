import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { RateLimiter } from '../common/rate-limit/rate-limiter.js';
import { clientIpKey } from '../common/rate-limit/client-ip.js';
import { AppConfig } from '../config/app-config.js';
import { Prisma } from '../generated/prisma/client.js';
import { TriageService } from '../triage/triage.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { normalizeEmail } from '../common/text/email.js';
import { isBanned, selfUserSelect, type SelfUserView, toSelfUserView } from '../users/user.mapper.js';
import { normalizeUsername } from '../users/username-rules.js';
import { UsernamesService } from '../users/usernames.service.js';
import { authUser } from '../users/users.sql.js';
import type { RegisterDto } from './dto/auth.dto.js';
import { PasswordService } from './password.service.js';
import { endSessionFamily, findSession, revokeSessionFamily, rotateSession, startSession } from './sessions.js';

export interface AuthResult {
  user: SelfUserView;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalidToken = () => AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');

/**
 * Login attempts per account (see AuthController for the per-IP limit and the reasoning): 5 a minute from one
 * address (the attacker's), and a softer 50 per 15 minutes from all addresses together (guessing from many hosts),
 * so someone hammering an account from one address does not lock its owner out at another.
 */
const LOGIN_ACCOUNT_ADDRESS_LIMIT = { name: 'login-account-address', limit: 5, windowSeconds: 60 } as const;
const LOGIN_ACCOUNT_LIMIT = { name: 'login-account', limit: 50, windowSeconds: 15 * 60 } as const;

@Injectable()
export class AuthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jwt: JwtService,
    private readonly passwords: PasswordService,
    private readonly config: AppConfig,
    private readonly usernames: UsernamesService,
    private readonly limiter: RateLimiter,
    private readonly triage: TriageService,
  ) {}

  /**
   * The DTO has already normalised the email and username, checked the username's shape (one script, no invisible
   * characters) and rejected a password equal to either. Names reserved for staff are refused here (a reader
   * registers); a look-alike of an existing name is refused by the unique skeleton.
   */
  async register(dto: RegisterDto): Promise<AuthResult> {
    const email = normalizeEmail(dto.email);
    const name = this.usernames.check(dto.username);
    if (!name.ok) {
      if (name.problem === 'reserved')
        throw AppError.conflict('USERNAME_RESERVED', 'This username is reserved for the site and its staff; choose another');
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [{ field: 'username', message: name.message }]);
    }
    // The newsroom's e-mail domain rule (src/triage): a disposable domain may be refused at registration.
    if (await this.triage.refusesRegistration(email)) {
      throw AppError.badRequest(
        'EMAIL_DOMAIN_REFUSED',
        'Addresses on disposable e-mail domains cannot register here; use another address',
        [{ field: 'email', message: 'email must not be on a disposable e-mail domain' }],
      );
    }
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      // The account and its first session are created together: a failure leaves neither behind.
      const session = this.newSession();
      const user = await this.prisma.user.create({
        data: {
          email,
          username: name.username,
          usernameNormalized: name.normalized,
          usernameSkeleton: name.skeleton,
          passwordHash,
          refreshTokens: { create: session.row },
        },
        select: selfUserSelect,
      });
      return this.result(user.id, toSelfUserView(user), session);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        // Registration has to tell the user which field to change, so it says whether the email or the username
        // is taken (EMAIL_TAKEN / USERNAME_TAKEN). Login never reveals whether an account exists.
        // Ask the database which one collided rather than parsing the driver's error metadata.
        const emailTaken = await this.prisma.user.count({ where: { email } });
        if (emailTaken) throw AppError.conflict('EMAIL_TAKEN', 'An account with this email already exists');
        throw AppError.conflict('USERNAME_TAKEN', 'This username, or one that looks the same, is already taken');
      }
      throw err;
    }
  }

  /**
   * The passport-local strategy's check. Unknown accounts, wrong passwords and deleted accounts all answer null
   * (one 401 INVALID_CREDENTIALS), with the same work (one indexed lookup + one argon2 verification) on every path,
   * so neither the answer nor its timing tells whether an account exists. A banned account signs in like any other
   * (its user view carries `ban`): a suspension leaves it its legal rights (read the statement of reasons, appeal,
   * export and erase its data), and JwtAuthGuard refuses everything else with USER_BANNED.
   *
   * Attempts are counted per account and client address, and per account, before the password is checked: one
   * account whether it is named by its email or its username (an unknown name gets buckets of its own, so the
   * limits behave the same).
   */
  async validateCredentials(login: string, password: string, clientAddress?: string): Promise<SelfUserView | null> {
    // NFKC first: a full-width ＠ is an @ (an email), as normalizeEmail and normalizeUsername read it.
    const key = login.normalize('NFKC').trim();
    const byEmail = key.includes('@');
    const lookup = byEmail ? normalizeEmail(key) : normalizeUsername(key);
    const user = await this.prisma.user.findFirst({
      where: byEmail ? { email: lookup } : { usernameNormalized: lookup },
      select: { ...selfUserSelect, passwordHash: true, deletedAt: true },
    });
    const account = user ? `user:${user.id}` : `${byEmail ? 'email' : 'username'}:${lookup}`;
    await this.limiter.consume([
      { rule: LOGIN_ACCOUNT_ADDRESS_LIMIT, subject: `${account}|ip:${clientIpKey(clientAddress)}` },
      { rule: LOGIN_ACCOUNT_LIMIT, subject: account },
    ]);
    const ok = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !ok || user.deletedAt) return null;
    return toSelfUserView(user);
  }

  /** Opens a session for a user passport-local has just authenticated. */
  login(user: SelfUserView): Promise<AuthResult> {
    return this.issueTokens(user.id, user);
  }

  /**
   * The passport-jwt strategy's check, run on a payload whose HS256 signature and expiry passport-jwt has verified.
   * The user is loaded on every request: a ban, a deletion or a role change applies at once, even to tokens issued
   * before it. A banned user is returned with `banned: true`: JwtAuthGuard decides, from the route's metadata,
   * whether they may call it (@AllowBanned()).
   */
  async userForAccessToken(payload: unknown): Promise<AuthUser> {
    const { sub, typ, exp, iat, sid } = (payload ?? {}) as { sub?: unknown; typ?: unknown; exp?: unknown; iat?: unknown; sid?: unknown };
    // `typ` keeps any other token we sign from passing as an access token; the uuid check keeps a malformed `sub`
    // from reaching the uuid column as a database error. Every token we issue has `exp` and `iat`: one without them
    // (signed with our key by something else, or by mistake) would never expire, so it is refused.
    if (typ !== 'access' || typeof sub !== 'string' || !UUID.test(sub) || !Number.isFinite(exp) || !Number.isFinite(iat))
      throw invalidToken();
    if (sid !== undefined && (typeof sid !== 'string' || !UUID.test(sid))) throw invalidToken();
    // A prepared statement on the read path: this runs on every authenticated request. `sid` names the session
    // (refresh-token family) the token was issued in: signed out, the token is refused at once.
    const user = await authUser(this.prisma.pool, sub, sid ?? null);
    if (!user || user.deleted_at || !user.session_live) throw invalidToken();
    return {
      id: user.id,
      email: user.email,
      username: user.username,
      role: user.role,
      banned: isBanned({ bannedAt: user.banned_at, bannedUntil: user.banned_until }),
    };
  }

  async me(userId: string): Promise<SelfUserView> {
    const row = await this.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: selfUserSelect });
    return toSelfUserView(row);
  }

  /**
   * Rotating refresh tokens: each use revokes the presented token and issues its successor in the same family.
   * Presenting a token that was already used revokes the whole family (a stolen token is then useless).
   */
  async refresh(refreshToken: string): Promise<AuthResult> {
    const tokenHash = sha256(refreshToken);
    const row = await findSession(this.prisma, tokenHash);
    if (!row) throw AppError.unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is invalid');
    if (row.revokedAt) {
      await revokeSessionFamily(this.prisma, row.familyId);
      // A rotated token coming back means two parties hold the family: treat it as stolen. A token revoked by
      // logout (no successor) is simply invalid.
      if (row.replacedById) throw AppError.unauthorized('REFRESH_TOKEN_REUSED', 'The refresh token was already used; sign in again');
      throw AppError.unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is invalid');
    }
    if (row.expiresAt <= new Date() || this.familyExpiry(row.familyStartedAt) <= new Date()) {
      throw AppError.unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token has expired; sign in again');
    }
    const user = await this.prisma.user.findUnique({
      where: { id: row.userId },
      select: { ...selfUserSelect, deletedAt: true },
    });
    // A banned account keeps its session (see validateCredentials); the user view says it is banned.
    if (!user || user.deletedAt) throw AppError.unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is invalid');

    const next = this.newRefreshToken();
    const nextId = randomUUID();
    const rotated = await this.prisma.transaction((tx) =>
      rotateSession(tx, row, {
        id: nextId,
        familyId: row.familyId,
        familyStartedAt: row.familyStartedAt,
        tokenHash: sha256(next),
        expiresAt: this.refreshExpiry(row.familyStartedAt),
      }),
    );
    if (!rotated) {
      // Lost a race with another use of the same token: the same reuse signal as above.
      await revokeSessionFamily(this.prisma, row.familyId);
      throw AppError.unauthorized('REFRESH_TOKEN_REUSED', 'The refresh token was already used; sign in again');
    }
    return {
      user: toSelfUserView(user),
      accessToken: await this.signAccessToken(row.userId, row.familyId),
      refreshToken: next,
      expiresIn: this.config.get('JWT_ACCESS_TTL_SECONDS'),
    };
  }

  /**
   * Ends the presented refresh token's session (this device's): its family is deleted, so its refresh tokens answer
   * INVALID_REFRESH_TOKEN and its access tokens INVALID_TOKEN at once (their `sid` names it). Idempotent.
   */
  async logout(refreshToken: string): Promise<void> {
    const row = await findSession(this.prisma, sha256(refreshToken));
    if (!row) return;
    await endSessionFamily(this.prisma, row.familyId);
  }

  private async issueTokens(userId: string, user: SelfUserView): Promise<AuthResult> {
    const session = this.newSession();
    await startSession(this.prisma, userId, session.row);
    return this.result(userId, user, session);
  }

  /** A new refresh-token family: the opaque token for the client and the row that stores only its hash. */
  private newSession() {
    const token = this.newRefreshToken();
    const familyStartedAt = new Date();
    return {
      token,
      row: { familyId: randomUUID(), familyStartedAt, tokenHash: sha256(token), expiresAt: this.refreshExpiry(familyStartedAt) },
    };
  }

  private async result(userId: string, user: SelfUserView, session: { token: string; row: { familyId: string } }): Promise<AuthResult> {
    return {
      user,
      accessToken: await this.signAccessToken(userId, session.row.familyId),
      refreshToken: session.token,
      expiresIn: this.config.get('JWT_ACCESS_TTL_SECONDS'),
    };
  }

  /**
   * HS256 (pinned in JwtModule's signOptions); verified by the passport-jwt strategy, which accepts only HS256.
   * `sid` is the session (refresh-token family): signing out ends the access tokens issued in it.
   */
  private signAccessToken(userId: string, sessionId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId, typ: 'access', sid: sessionId });
  }

  private newRefreshToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /**
   * A refresh token lives JWT_REFRESH_TTL_SECONDS (renewed by each rotation: the idle limit), but never past the
   * family's absolute limit, JWT_REFRESH_ABSOLUTE_TTL_SECONDS after the sign-in that started it: a stolen token
   * that is kept in use cannot keep a session alive forever.
   */
  private refreshExpiry(familyStartedAt: Date): Date {
    return new Date(Math.min(Date.now() + this.config.get('JWT_REFRESH_TTL_SECONDS') * 1000, this.familyExpiry(familyStartedAt).getTime()));
  }

  private familyExpiry(familyStartedAt: Date): Date {
    return new Date(familyStartedAt.getTime() + this.config.get('JWT_REFRESH_ABSOLUTE_TTL_SECONDS') * 1000);
  }
}
