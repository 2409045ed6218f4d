import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normalizeEmail } from '../text/email.js';
import type { AuthUser } from '../auth/auth-user.js';
import { clientIpKey } from './client-ip.js';
import { RATE_LIMIT_KEY, type RateLimitRule } from './rate-limit.decorator.js';
import { RateLimiter } from './rate-limiter.js';

/** Longest email kept as a key: bounds memory before the body is validated. */
const MAX_EMAIL_KEY = 256;

/**
 * Global guard enforcing @RateLimit(). Registered after JwtAuthGuard (see AuthModule), so `per: 'user'` sees the
 * authenticated user. It runs before route guards and pipes: a login attempt is counted before the password is
 * checked, and invalid bodies count too. The RateLimit fields go out on successes and on the 429 alike, so clients
 * can slow down before they are refused.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  // Synchronous for the routes it leaves alone (most reads): no promise, no microtask on the hot paths.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.limiter.enabled || context.getType() !== 'http') return true;
    const rules = this.reflector.getAllAndOverride<RateLimitRule[] | undefined>(RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]);
    if (!rules?.length) return true;
    return this.count(context, rules);
  }

  private async count(context: ExecutionContext, rules: RateLimitRule[]): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const hits: { rule: RateLimitRule; subject: string }[] = [];
    for (const rule of rules) {
      const subject = this.subject(rule, req);
      // No email in the body: the request fails validation anyway, and the route's IP rule still counts it.
      if (subject !== undefined) hits.push({ rule, subject });
    }
    void context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .headers(await this.limiter.consume(hits));
    return true;
  }

  private subject(rule: RateLimitRule, req: FastifyRequest & { user?: AuthUser }): string | undefined {
    switch (rule.per) {
      case 'ip':
        return `ip:${clientIpKey(req.ip)}`;
      case 'user':
        // Anonymous callers of a public route are counted by address.
        return req.user ? `user:${req.user.id}` : `ip:${clientIpKey(req.ip)}`;
      case 'email': {
        const raw = (req.body as { email?: unknown } | undefined)?.email;
        if (typeof raw !== 'string' || !raw.trim()) return undefined;
        // Same folding as the account lookup, so spelling variants of one address share a bucket.
        return `email:${normalizeEmail(raw.slice(0, 4 * MAX_EMAIL_KEY)).slice(0, MAX_EMAIL_KEY)}`;
      }
    }
  }
}
