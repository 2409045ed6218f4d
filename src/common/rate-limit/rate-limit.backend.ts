import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../../config/app-config.js';

/** Where the counters live right now: one process (no REDIS_URL), Redis, or this process while Redis is away. */
export type RateLimitStoreMode = 'memory' | 'redis' | 'fallback';

export interface RateLimitStatus {
  /** `redis` when REDIS_URL is set, else `memory`. */
  store: 'redis' | 'memory';
  /** Whether the counters are shared by every instance at this moment (false: counted per instance). */
  shared: boolean;
  /** Since when Redis has not been answering (ISO time), while it is not. */
  fallbackSince?: string;
}

/** A bucket: `points` requests per `duration` seconds. */
export interface Bucket {
  name: string;
  points: number;
  duration: number;
}

type Consumed = Pick<RateLimiterRes, 'remainingPoints' | 'msBeforeNext'>;

/**
 * The in-memory limiter rate-limiter-flexible switches to when a Redis call fails or times out (its "insurance
 * limiter"); every use tells the backend that Redis is not answering.
 */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    opts: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly used: () => void,
  ) {
    super(opts);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): Promise<RateLimiterRes> {
    this.used();
    return super.consume(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory['reward']>): Promise<RateLimiterRes> {
    this.used();
    return super.reward(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>): Promise<RateLimiterRes | null> {
    this.used();
    return super.get(...args);
  }
}

/**
 * The counters behind every rate limit, through rate-limiter-flexible: fixed windows in Redis (REDIS_URL), shared by
 * every instance, or in this process's memory without it. When Redis is down or slower than
 * REDIS_COMMAND_TIMEOUT_MS, each call falls back to an in-memory limiter of the same size (limits then hold per
 * instance), never an error; the next call that Redis answers switches back. The switch is logged once each way
 * and shown by GET /api/health.
 */
@Injectable()
export class RateLimitBackend implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly redis?: Redis;
  private readonly prefix: string;
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private mode: RateLimitStoreMode;
  private fallbackSince?: Date;
  /** Calls the insurance limiters served; a call that leaves it unchanged was answered by Redis. */
  private fallbackUses = 0;
  /** When the last outage began: a Redis hovering around the timeout must not flood the log. */
  private lastOutageAt = 0;
  /** This outage follows the last one within a minute: its two switches go to the debug log. */
  private quiet = false;

  constructor(config: AppConfig) {
    const url = config.get('REDIS_URL');
    this.prefix = `${config.get('REDIS_KEY_PREFIX')}rl:`;
    this.mode = url ? 'redis' : 'memory';
    if (url) {
      this.redis = new Redis(url, {
        ...(config.get('REDIS_PASSWORD') && { password: config.get('REDIS_PASSWORD') }),
        // Never queue commands while disconnected, never wait longer than the timeout: the fallback answers instead.
        enableOfflineQueue: false,
        commandTimeout: config.get('REDIS_COMMAND_TIMEOUT_MS'),
        connectTimeout: 2_000,
        maxRetriesPerRequest: 0,
        // Reconnect for ever, at most every 2 s.
        retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
        connectionName: 'newsroom-comments:rate-limits',
      });
      // ioredis reports connection failures as 'error' events; without a listener they would be unhandled.
      this.redis.on('error', (err: Error) => this.fallback(err.message));
      this.redis.on('ready', () => this.recovered());
    }
  }

  /** Gives Redis a moment to connect before the first request (start-up goes on without it, in fallback). */
  async onModuleInit(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), 2_000);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      redis.on('ready', onReady);
    });
    if (!ready) this.fallback('not connected at start-up');
  }

  status(): RateLimitStatus {
    return {
      store: this.redis ? 'redis' : 'memory',
      shared: this.mode === 'redis',
      ...(this.fallbackSince && { fallbackSince: this.fallbackSince.toISOString() }),
    };
  }

  /** PINGs Redis (null without REDIS_URL): its round trip in ms, or an error when it does not answer in time. */
  async ping(): Promise<number | null> {
    if (!this.redis) return null;
    const started = performance.now();
    await this.redis.ping();
    return Math.round((performance.now() - started) * 10) / 10;
  }

  /** Counts one request in `bucket` for `key`; rejects with a RateLimiterRes when the bucket is exhausted. */
  async consume(bucket: Bucket, key: string): Promise<Consumed> {
    return this.track(() => this.limiter(bucket).consume(key));
  }

  /** Gives back one request (a request refused by another bucket must not spend this one). */
  async refund(bucket: Bucket, key: string): Promise<void> {
    await this.track(() => this.limiter(bucket).reward(key));
  }

  /** What is left of `bucket` for `key`, without counting. */
  async peek(bucket: Bucket, key: string): Promise<Consumed> {
    const res = await this.track(() => this.limiter(bucket).get(key));
    return res ?? { remainingPoints: bucket.points, msBeforeNext: bucket.duration * 1000 };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis?.disconnect());
  }

  private async track<T>(call: () => Promise<T>): Promise<T> {
    const before = this.fallbackUses;
    try {
      return await call();
    } finally {
      if (this.mode === 'fallback' && this.fallbackUses === before && this.redis?.status === 'ready') this.recovered();
    }
  }

  private limiter(bucket: Bucket): RateLimiterAbstract {
    const id = `${bucket.name}:${bucket.points}:${bucket.duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const opts = { keyPrefix: `${this.prefix}${id}`, points: bucket.points, duration: bucket.duration };
      limiter = this.redis
        ? new RateLimiterRedis({
            ...opts,
            storeClient: this.redis,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new InsuranceLimiter(opts, () => {
              this.fallbackUses++;
              this.fallback('a call failed or timed out');
            }),
          })
        : new RateLimiterMemory(opts);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private fallback(reason: string): void {
    if (this.mode !== 'redis') return;
    this.mode = 'fallback';
    this.fallbackSince = new Date();
    this.quiet = Date.now() - this.lastOutageAt < 60_000;
    this.lastOutageAt = Date.now();
    this.logger[this.quiet ? 'debug' : 'warn']({
      msg: 'Redis is not answering: rate limits are counted per instance in memory until it is back',
      reason,
    });
  }

  private recovered(): void {
    if (this.mode !== 'fallback') return;
    const seconds = Math.round((Date.now() - this.fallbackSince!.getTime()) / 1000);
    this.mode = 'redis';
    this.fallbackSince = undefined;
    this.logger[this.quiet ? 'debug' : 'log']({
      msg: 'Redis answers again: rate limits are shared by every instance again',
      afterSeconds: seconds,
    });
  }
}
