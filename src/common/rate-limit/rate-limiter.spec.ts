import type { AppConfig } from '../../config/app-config.js';
import type { Env } from '../../config/env.js';
import { AppError } from '../errors/app-error.js';
import { clientIpKey } from './client-ip.js';
import { RateLimitBackend } from './rate-limit.backend.js';
import { RateLimiter } from './rate-limiter.js';

/** A limiter on the in-memory backend (no REDIS_URL); the Redis backend is tested in test/e2e/platform/scale-out.e2e-spec.ts. */
function memoryLimiter(): RateLimiter {
  const values: Partial<Env> = { RATE_LIMIT_ENABLED: true, REDIS_KEY_PREFIX: 'spec:', REDIS_COMMAND_TIMEOUT_MS: 200 };
  const config = { get: (k: keyof Env) => values[k] } as unknown as AppConfig;
  return new RateLimiter(new RateLimitBackend(config), config);
}

const rule = (name: string, limit = 2, windowSeconds = 60) => ({
  rule: { name, limit, windowSeconds, per: 'ip' },
  subject: 'ip:203.0.113.7',
});

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected a 429, got ${String(err)}`);
  return err;
}

describe(RateLimiter.name, () => {
  it('should allow up to the limit with the RateLimit fields, then refuse with Retry-After', async () => {
    const l = memoryLimiter();
    expect(await l.consume([rule('a')])).toEqual({ 'ratelimit-policy': '"a-ip";q=2;w=60', ratelimit: '"a-ip";r=1;t=60' });
    expect((await l.consume([rule('a')])).ratelimit).toBe('"a-ip";r=0;t=60');
    const refused = await refusal(l.consume([rule('a')]));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.headers).toMatchObject({ 'retry-after': '60', ratelimit: '"a-ip";r=0;t=60' });
  });

  it('should count nothing when any rule blocks (all or nothing)', async () => {
    const l = memoryLimiter();
    await l.consume([rule('ip', 1)]);
    await refusal(l.consume([rule('account', 1), rule('ip', 1)]));
    // The blocked request did not spend the account's budget, and did not push the IP further over.
    expect((await l.consume([rule('account', 1)])).ratelimit).toBe('"account-ip";r=0;t=60');
    const again = await refusal(l.consume([rule('ip', 1), rule('other', 1)]));
    expect(again.headers?.ratelimit).toBe('"ip-ip";r=0;t=60, "other-ip";r=1;t=60');
  });

  it('should count every rule of a request at once, not one round trip after another', async () => {
    // A backend that answers after a delay, like a Redis that is slow (up to REDIS_COMMAND_TIMEOUT_MS a call).
    let inFlight = 0;
    let most = 0;
    const slow = {
      consume: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return { remainingPoints: 1, msBeforeNext: 60_000 };
      },
    } as unknown as RateLimitBackend;
    const values: Partial<Env> = { RATE_LIMIT_ENABLED: true };
    const config = { get: (k: keyof Env) => values[k] } as unknown as AppConfig;
    await new RateLimiter(slow, config).consume([rule('ip'), rule('account'), rule('user')]);
    expect(most).toBe(3);
  });

  it('should count nothing when rate limits are off', async () => {
    const values: Partial<Env> = { RATE_LIMIT_ENABLED: false, REDIS_KEY_PREFIX: 'spec:' };
    const config = { get: (k: keyof Env) => values[k] } as unknown as AppConfig;
    const l = new RateLimiter(new RateLimitBackend(config), config);
    for (let i = 0; i < 5; i++) expect(await l.consume([rule('off', 1)])).toEqual({});
  });
});

describe(clientIpKey.name, () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('should key %s as %s', (ip, key) => {
    expect(clientIpKey(ip)).toBe(key);
  });
});
