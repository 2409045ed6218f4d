import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { normalizeUsername } from '../../users/username-rules.js';
import type { AuthUser } from '../auth/auth-user.js';
import { AppError } from '../errors/app-error.js';
import { clientIpKey } from './client-ip.js';
import { RATE_LIMIT_KEY, type RateLimitRule } from './rate-limit.decorator.js';
import { type RateLimitHit, RateLimitStore } from './rate-limit.store.js';

/** Longest account identifier kept as a key: bounds memory before the body is validated. */
const MAX_ACCOUNT_KEY = 256;

/**
 * Global guard enforcing @RateLimit(). Registered after JwtAuthGuard (see AuthModule), so `per: 'user'` sees the
 * authenticated user. It runs before route guards and pipes: a login attempt is counted before the password is
 * checked, and invalid bodies count too.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly enabled: boolean;

  constructor(
    private readonly reflector: Reflector,
    private readonly store: RateLimitStore,
    config: AppConfig,
  ) {
    this.enabled = config.get('RATE_LIMIT_ENABLED');
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.enabled || context.getType() !== 'http') return true;
    const rules = this.reflector.getAllAndOverride<RateLimitRule[] | undefined>(RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]);
    if (!rules?.length) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const hits: (RateLimitHit & { policy: string })[] = [];
    for (const rule of rules) {
      const subject = this.subject(rule, req);
      // No account in the body: the request fails validation anyway, and the route's IP rule still counts it.
      if (subject === undefined) continue;
      hits.push({ key: `${rule.name}:${rule.windowSeconds}:${subject}`, limit: rule.limit, windowMs: rule.windowSeconds * 1000, policy: policyName(rule) });
    }
    const now = Date.now();
    const retryAfter = this.store.consume(hits, now);
    // IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): every policy that applies to this request, and
    // what is left of each, on successes and on the 429 alike, so clients can slow down before they are refused.
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('ratelimit-policy', hits.map((h) => `"${h.policy}";q=${h.limit};w=${h.windowMs / 1000}`).join(', '));
    void reply.header(
      'ratelimit',
      hits
        .map((h) => {
          const { remaining, resetSeconds } = this.store.state(h, now);
          return `"${h.policy}";r=${remaining};t=${resetSeconds}`;
        })
        .join(', '),
    );
    if (retryAfter > 0) {
      throw new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfter} s`, undefined, { 'retry-after': String(retryAfter) });
    }
    return true;
  }

  private subject(rule: RateLimitRule, req: FastifyRequest & { user?: AuthUser }): string | undefined {
    switch (rule.per) {
      case 'ip':
        return `ip:${clientIpKey(req.ip)}`;
      case 'user':
        // Anonymous callers of a public route are counted by address.
        return req.user ? `user:${req.user.id}` : `ip:${clientIpKey(req.ip)}`;
      case 'account': {
        const body = req.body as { login?: unknown; email?: unknown } | undefined;
        const raw = body?.login ?? body?.email;
        if (typeof raw !== 'string' || !raw.trim()) return undefined;
        // Same folding as the account lookup (NFKC + lower case), so spelling variants of one account share a bucket.
        return `account:${normalizeUsername(raw.slice(0, 4 * MAX_ACCOUNT_KEY)).slice(0, MAX_ACCOUNT_KEY)}`;
      }
    }
  }
}

/** A policy's name in the RateLimit fields: the bucket and what it counts per, e.g. "login-account". */
const policyName = (rule: RateLimitRule) => (rule.name.endsWith(`-${rule.per}`) ? rule.name : `${rule.name}-${rule.per}`);
