import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { AppError } from '../errors/app-error.js';
import { RateLimitStore } from './rate-limit.store.js';

/** A limit: `limit` requests per `windowSeconds`, counted per subject; `per` names what it counts (policy names). */
export interface LimitRule {
  name: string;
  limit: number;
  windowSeconds: number;
  per?: string;
}

/** A policy's name in the RateLimit fields: the bucket and what it counts per, e.g. "login-account". */
const policyName = (rule: LimitRule) => (!rule.per || rule.name.endsWith(`-${rule.per}`) ? rule.name : `${rule.name}-${rule.per}`);

/**
 * Counts requests against rate-limit rules (all or nothing, see RateLimitStore). Used by the RateLimitGuard for
 * @RateLimit() routes, and by services whose subject is only known after a lookup (the per-account login limit).
 * Off when RATE_LIMIT_ENABLED=false.
 */
@Injectable()
export class RateLimiter {
  readonly enabled: boolean;

  constructor(
    private readonly store: RateLimitStore,
    config: AppConfig,
  ) {
    this.enabled = config.get('RATE_LIMIT_ENABLED');
  }

  /**
   * Counts one request for each rule and subject. Returns the IETF RateLimit fields
   * (draft-ietf-httpapi-ratelimit-headers: every policy that applies and what is left of it) for the caller to send;
   * when a limit is exhausted, throws 429 RATE_LIMITED carrying them and Retry-After.
   */
  consume(hits: readonly { rule: LimitRule; subject: string }[], now = Date.now()): Record<string, string> {
    if (!this.enabled || !hits.length) return {};
    const counted = hits.map(({ rule, subject }) => ({
      key: `${rule.name}:${rule.windowSeconds}:${subject}`,
      limit: rule.limit,
      windowMs: rule.windowSeconds * 1000,
      policy: policyName(rule),
    }));
    const retryAfter = this.store.consume(counted, now);
    const headers = {
      'ratelimit-policy': counted.map((h) => `"${h.policy}";q=${h.limit};w=${h.windowMs / 1000}`).join(', '),
      ratelimit: counted
        .map((h) => {
          const { remaining, resetSeconds } = this.store.state(h, now);
          return `"${h.policy}";r=${remaining};t=${resetSeconds}`;
        })
        .join(', '),
    };
    if (retryAfter > 0) {
      throw new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfter} s`, undefined, { ...headers, 'retry-after': String(retryAfter) });
    }
    return headers;
  }
}
