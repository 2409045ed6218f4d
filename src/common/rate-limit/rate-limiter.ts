import { Injectable } from '@nestjs/common';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../../config/app-config.js';
import { AppError } from '../errors/app-error.js';
import { type Bucket, RateLimitBackend } from './rate-limit.backend.js';

/** A limit: `limit` requests per `windowSeconds`, counted per subject; `per` names what it counts (policy names). */
export interface LimitRule {
  name: string;
  limit: number;
  windowSeconds: number;
  per?: string;
}

/** A policy's name in the RateLimit fields: the bucket and what it counts per, e.g. "login-account". */
const policyName = (rule: LimitRule) => (!rule.per || rule.name.endsWith(`-${rule.per}`) ? rule.name : `${rule.name}-${rule.per}`);

const bucketOf = (rule: LimitRule): Bucket => ({ name: rule.name, points: rule.limit, duration: rule.windowSeconds });

/**
 * Counts requests against rate-limit rules, in fixed windows (exact Retry-After values; a client can spend up to
 * twice a limit across a window boundary, which is fine for brute-force and spam limits). The counters live in
 * Redis, shared by every instance, when REDIS_URL is set, else in this process (RateLimitBackend). Used by the
 * RateLimitGuard for @RateLimit() routes, and by services whose subject is only known after a lookup (the
 * per-account login limit). Off when RATE_LIMIT_ENABLED=false.
 */
@Injectable()
export class RateLimiter {
  readonly enabled: boolean;

  constructor(
    private readonly backend: RateLimitBackend,
    config: AppConfig,
  ) {
    this.enabled = config.get('RATE_LIMIT_ENABLED');
  }

  /**
   * Counts one request for each rule and subject, all or nothing: the rules are counted at once (one round trip to
   * Redis, not one per rule) and if any is exhausted, everything this request counted is given back (a blocked
   * caller does not extend its block, and an IP block does not also burn the account's budget). Returns the IETF
   * RateLimit fields (draft-ietf-httpapi-ratelimit-headers: every policy that applies and what is left of it) for
   * the caller to send; when a limit is exhausted, throws 429 RATE_LIMITED carrying them and Retry-After (from the
   * first exhausted rule, in the order given).
   */
  async consume(hits: readonly { rule: LimitRule; subject: string }[]): Promise<Record<string, string>> {
    if (!this.enabled || !hits.length) return {};
    const counted = hits.map(({ rule, subject }) => ({ rule, bucket: bucketOf(rule), key: subject, policy: policyName(rule) }));
    const results = await Promise.allSettled(counted.map((h) => this.backend.consume(h.bucket, h.key)));
    const limited = (r: PromiseSettledResult<unknown>) => r.status === 'rejected' && r.reason instanceof RateLimiterRes;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !limited(r));
    const blockedAt = results.findIndex(limited);
    // Refused or failed: give back every count this request made (a limited bucket counted the hit too).
    if (blockedAt >= 0 || failure) {
      await Promise.all(
        counted.filter((_, i) => results[i].status === 'fulfilled' || limited(results[i])).map((h) => this.backend.refund(h.bucket, h.key)),
      );
    }
    if (failure) throw failure.reason;
    // A refused request's other counts were given back: what is left of them is one more than their answer said.
    const giveBack = blockedAt >= 0 ? 1 : 0;
    const states = counted.map((h, i) => {
      const r = results[i];
      if (r.status === 'rejected') return { remainingPoints: 0, msBeforeNext: (r.reason as RateLimiterRes).msBeforeNext };
      return { remainingPoints: Math.min(h.rule.limit, r.value.remainingPoints + giveBack), msBeforeNext: r.value.msBeforeNext };
    });
    const blocked = blockedAt >= 0 ? ((results[blockedAt] as PromiseRejectedResult).reason as RateLimiterRes) : undefined;
    const headers = {
      'ratelimit-policy': counted.map((h) => `"${h.policy}";q=${h.rule.limit};w=${h.rule.windowSeconds}`).join(', '),
      ratelimit: counted
        .map((h, i) => `"${h.policy}";r=${states[i].remainingPoints};t=${resetSeconds(states[i].msBeforeNext, h.rule)}`)
        .join(', '),
    };
    if (blocked) {
      const retryAfter = resetSeconds(blocked.msBeforeNext, counted[blockedAt].rule);
      throw new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfter} s`, undefined, {
        ...headers,
        'retry-after': String(retryAfter),
      });
    }
    return headers;
  }
}

/** Whole seconds until a window resets (at least 1 while it runs; the whole window when it has not started). */
function resetSeconds(ms: number, rule: LimitRule): number {
  if (ms < 0) return rule.windowSeconds;
  return Math.max(1, Math.ceil(ms / 1000));
}
