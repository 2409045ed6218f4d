import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { isBanned } from '../users/user.mapper.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AccessPayload {
  sub?: unknown;
  typ?: unknown;
}

/**
 * Signs and checks access tokens. JwtModule pins HS256 for signing and verification, so `alg: none`, other HMAC
 * sizes and RS/HS confusion all fail. The user is loaded on every request: a ban, a deletion or a role change
 * applies at once, even to tokens issued before it.
 *
 * (Deliberately not a passport strategy: passport keeps strategies in a process-wide registry, so a second app in
 * the same process, as in the e2e tests, would silently take over the first one's authentication.)
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly prisma: PrismaService,
  ) {}

  sign(userId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId, typ: 'access' });
  }

  async authenticate(token: string): Promise<AuthUser> {
    let payload: AccessPayload;
    try {
      payload = await this.jwt.verifyAsync<AccessPayload>(token);
    } catch (err) {
      if ((err as Error).name === 'TokenExpiredError') throw AppError.unauthorized('TOKEN_EXPIRED', 'The access token has expired');
      throw invalidToken();
    }
    // `typ` keeps any other token we sign from passing as an access token; the uuid check keeps a malformed `sub`
    // from reaching the uuid column as a database error.
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw invalidToken();
    const user = await this.prisma.user.findUnique({
      where: { id: payload.sub },
      select: { id: true, email: true, username: true, role: true, bannedAt: true, bannedUntil: true, deletedAt: true },
    });
    if (!user || user.deletedAt) throw invalidToken();
    if (isBanned(user)) throw AppError.forbidden('USER_BANNED', 'This account is banned');
    return { id: user.id, email: user.email, username: user.username, role: user.role };
  }
}

const invalidToken = () => AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');
