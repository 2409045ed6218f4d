import { SetMetadata } from '@nestjs/common';

export const RATE_LIMIT_KEY = 'rateLimit';

/**
 * What a limit is counted per: the client address, the signed-in user, or the `email` field of the body (sign-ups
 * for one address). Login counts per account in AuthService, once it knows which account a login names.
 */
export type RateLimitKey = 'ip' | 'user' | 'email';

export interface RateLimitRule {
  /** Bucket name, unique per route family (e.g. 'login', 'comment-post'). */
  name: string;
  limit: number;
  windowSeconds: number;
  per: RateLimitKey;
}

/**
 * Declares rate limits for a route; all rules apply (e.g. per IP and per account). Exceeding one answers
 * 429 RATE_LIMITED with Retry-After. Enforced by the global RateLimitGuard; off when RATE_LIMIT_ENABLED=false.
 */
export const RateLimit = (...rules: RateLimitRule[]) => SetMetadata(RATE_LIMIT_KEY, rules);
