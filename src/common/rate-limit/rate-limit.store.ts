import type { OnModuleDestroy } from '@nestjs/common';

export interface RateLimitHit {
  key: string;
  limit: number;
  windowMs: number;
}

interface Window {
  count: number;
  resetAt: number;
}

export interface RateLimitStoreOptions {
  /** Upper bound on tracked keys; past it the oldest window is dropped (memory stays bounded under a flood). */
  maxKeys?: number;
  sweepIntervalMs?: number;
}

/**
 * In-memory fixed-window counters, one process. Fixed windows give exact Retry-After values; the price is that a
 * client can spend up to 2x the limit across a window boundary, which is fine for brute-force and spam limits.
 * Several app instances each count on their own: put a shared store (e.g. Redis) behind this class to scale out.
 */
export class RateLimitStore implements OnModuleDestroy {
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor({ maxKeys = 100_000, sweepIntervalMs = 60_000 }: RateLimitStoreOptions = {}) {
    this.maxKeys = maxKeys;
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref(); // never keeps the process (or a test run) alive
  }

  get size(): number {
    return this.windows.size;
  }

  /**
   * Counts one request against every hit, all or nothing: when any limit is exhausted nothing is counted (a
   * blocked caller does not extend its own block, and an IP block does not also burn the account's budget).
   * Returns 0 when allowed, otherwise the seconds until the longest blocking window ends.
   */
  consume(hits: readonly RateLimitHit[], now = Date.now()): number {
    let blockedMs = 0;
    for (const hit of hits) {
      const w = this.windows.get(hit.key);
      if (w && w.resetAt > now && w.count >= hit.limit) blockedMs = Math.max(blockedMs, w.resetAt - now);
    }
    if (blockedMs > 0) return Math.max(1, Math.ceil(blockedMs / 1000));
    for (const hit of hits) {
      const w = this.windows.get(hit.key);
      if (w && w.resetAt > now) w.count++;
      else this.start(hit.key, now + hit.windowMs);
    }
    return 0;
  }

  /** What is left of `hit`'s window right now: requests remaining and whole seconds until it resets. */
  state(hit: RateLimitHit, now = Date.now()): { remaining: number; resetSeconds: number } {
    const w = this.windows.get(hit.key);
    if (!w || w.resetAt <= now) return { remaining: hit.limit, resetSeconds: Math.ceil(hit.windowMs / 1000) };
    return { remaining: Math.max(0, hit.limit - w.count), resetSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  /** Drops windows that have ended. Runs on a timer; public for tests. */
  sweep(now = Date.now()): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private start(key: string, resetAt: number): void {
    // Re-insert so Map order is window start order; the first key is then the oldest window, evicted in O(1).
    this.windows.delete(key);
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
    this.windows.set(key, { count: 1, resetAt });
  }
}
