import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { isBanned, normalizeEmail, normalizeUsername, selfUserSelect, type SelfUserView, toSelfUserView } from '../users/user.mapper.js';
import type { RegisterDto } from './dto/auth.dto.js';
import { PasswordService } from './password.service.js';

export interface AuthResult {
  user: SelfUserView;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

@Injectable()
export class AuthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jwt: JwtService,
    private readonly passwords: PasswordService,
    private readonly config: AppConfig,
  ) {}

  async register(dto: RegisterDto): Promise<AuthResult> {
    const email = normalizeEmail(dto.email);
    const usernameNormalized = normalizeUsername(dto.username);
    const lowered = dto.password.toLowerCase();
    if (lowered === email || lowered === usernameNormalized) {
      throw AppError.badRequest('WEAK_PASSWORD', 'Password must not equal the email or the username', [
        { field: 'password', message: 'password must not equal the email or the username' },
      ]);
    }
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      const user = await this.prisma.user.create({
        data: { email, username: dto.username, usernameNormalized, passwordHash },
        select: selfUserSelect,
      });
      return this.issueTokens(user.id, toSelfUserView(user));
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        // Registration already reveals whether an email or a username is taken (a user must be told to pick
        // another one), so the code says which; login never does.
        const target = JSON.stringify(err.meta ?? {});
        if (target.includes('email')) throw AppError.conflict('EMAIL_TAKEN', 'An account with this email already exists');
        throw AppError.conflict('USERNAME_TAKEN', 'This username is already taken');
      }
      throw err;
    }
  }

  /** One answer for unknown users, wrong passwords, banned and deleted accounts; similar timing for each. */
  async validateCredentials(login: string, password: string): Promise<AuthUser> {
    const key = login.trim();
    const user = await this.prisma.user.findFirst({
      where: key.includes('@') ? { email: normalizeEmail(key) } : { usernameNormalized: normalizeUsername(key) },
      select: { id: true, email: true, username: true, role: true, passwordHash: true, bannedAt: true, bannedUntil: true, deletedAt: true },
    });
    const ok = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !ok || user.deletedAt) throw AppError.unauthorized('INVALID_CREDENTIALS', 'Invalid login or password');
    if (isBanned(user)) throw AppError.forbidden('USER_BANNED', 'This account is banned');
    return { id: user.id, email: user.email, username: user.username, role: user.role };
  }

  async login(user: AuthUser): Promise<AuthResult> {
    const row = await this.prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: selfUserSelect });
    return this.issueTokens(user.id, toSelfUserView(row));
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
    const row = await this.prisma.refreshToken.findUnique({ where: { tokenHash } });
    if (!row) throw AppError.unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is invalid');
    if (row.revokedAt) {
      await this.prisma.refreshToken.updateMany({ where: { familyId: row.familyId, revokedAt: null }, data: { revokedAt: new Date() } });
      throw AppError.unauthorized('REFRESH_TOKEN_REUSED', 'The refresh token was already used; sign in again');
    }
    if (row.expiresAt <= new Date()) throw AppError.unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token has expired');
    const user = await this.prisma.user.findUnique({
      where: { id: row.userId },
      select: { ...selfUserSelect, bannedAt: true, bannedUntil: true, deletedAt: true },
    });
    if (!user || user.deletedAt) throw AppError.unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is invalid');
    if (isBanned(user)) throw AppError.forbidden('USER_BANNED', 'This account is banned');

    const next = this.newRefreshToken();
    const nextId = randomUUID();
    const rotated = await this.prisma.$transaction(async (tx) => {
      const claimed = await tx.refreshToken.updateMany({
        where: { id: row.id, revokedAt: null },
        data: { revokedAt: new Date(), replacedById: nextId },
      });
      if (claimed.count !== 1) return false;
      await tx.refreshToken.create({
        data: { id: nextId, userId: row.userId, familyId: row.familyId, tokenHash: sha256(next), expiresAt: this.refreshExpiry() },
      });
      return true;
    });
    if (!rotated) {
      await this.prisma.refreshToken.updateMany({ where: { familyId: row.familyId, revokedAt: null }, data: { revokedAt: new Date() } });
      throw AppError.unauthorized('REFRESH_TOKEN_REUSED', 'The refresh token was already used; sign in again');
    }
    return { user: toSelfUserView(user), accessToken: await this.signAccess(row.userId), refreshToken: next, expiresIn: this.config.get('JWT_ACCESS_TTL_SECONDS') };
  }

  /** Revokes the presented refresh token's whole family (this device's session). Idempotent. */
  async logout(refreshToken: string): Promise<void> {
    const row = await this.prisma.refreshToken.findUnique({ where: { tokenHash: sha256(refreshToken) }, select: { familyId: true } });
    if (!row) return;
    await this.prisma.refreshToken.updateMany({ where: { familyId: row.familyId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  private async issueTokens(userId: string, user: SelfUserView): Promise<AuthResult> {
    const refreshToken = this.newRefreshToken();
    await this.prisma.refreshToken.create({
      data: { userId, familyId: randomUUID(), tokenHash: sha256(refreshToken), expiresAt: this.refreshExpiry() },
    });
    return { user, accessToken: await this.signAccess(userId), refreshToken, expiresIn: this.config.get('JWT_ACCESS_TTL_SECONDS') };
  }

  private signAccess(userId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId, typ: 'access' });
  }

  private newRefreshToken(): string {
    return randomBytes(32).toString('base64url');
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.get('JWT_REFRESH_TTL_SECONDS') * 1000);
  }
}
