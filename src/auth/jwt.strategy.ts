import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { isBanned } from '../users/user.mapper.js';

interface AccessPayload {
  sub: string;
  typ?: string;
}

/**
 * Verifies HS256 access tokens (no other algorithm, so `alg: none` and RS/HS confusion fail), then loads the
 * user on every request: a ban, a deletion or a role change applies at once, even to tokens issued before.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly prisma: PrismaService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.get('JWT_SECRET'),
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: AccessPayload): Promise<AuthUser> {
    if (payload.typ !== 'access' || typeof payload.sub !== 'string') {
      throw AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');
    }
    const user = await this.prisma.user.findUnique({
      where: { id: payload.sub },
      select: { id: true, email: true, username: true, role: true, bannedAt: true, bannedUntil: true, deletedAt: true },
    });
    if (!user || user.deletedAt) throw AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');
    if (isBanned(user)) throw AppError.forbidden('USER_BANNED', 'This account is banned');
    return { id: user.id, email: user.email, username: user.username, role: user.role };
  }
}
