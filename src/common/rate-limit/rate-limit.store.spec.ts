import { clientIpKey } from './client-ip.js';
import { RateLimitStore } from './rate-limit.store.js';

describe(RateLimitStore.name, () => {
  const stores: RateLimitStore[] = [];
  const make = (opts?: ConstructorParameters<typeof RateLimitStore>[0]) => {
    const s = new RateLimitStore(opts);
    stores.push(s);
    return s;
  };
  afterAll(() => stores.forEach((s) => s.onModuleDestroy()));

  const hit = (key: string, limit = 2, windowMs = 60_000) => ({ key, limit, windowMs });

  it('should allow up to the limit, then report the seconds left in the window', () => {
    const s = make();
    expect(s.consume([hit('a')], 0)).toBe(0);
    expect(s.consume([hit('a')], 1000)).toBe(0);
    expect(s.consume([hit('a')], 1000)).toBe(59);
    expect(s.consume([hit('a')], 59_500)).toBe(1);
    expect(s.consume([hit('a')], 60_000)).toBe(0); // a new window
  });

  it('should count nothing when any rule blocks (all or nothing)', () => {
    const s = make();
    s.consume([hit('ip', 1)], 0);
    expect(s.consume([hit('ip', 1), hit('account', 1)], 0)).toBeGreaterThan(0);
    expect(s.consume([hit('account', 1)], 0)).toBe(0); // the blocked request did not spend the account's budget
  });

  it('should keep at most maxKeys windows, dropping the oldest', () => {
    const s = make({ maxKeys: 3 });
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) s.consume([hit(k, 1)], 0);
    expect(s.size).toBe(3);
    expect(s.consume([hit('k5', 1)], 0)).toBeGreaterThan(0); // newest kept
    expect(s.consume([hit('k1', 1)], 0)).toBe(0); // oldest was evicted
  });

  it('should sweep ended windows', () => {
    const s = make();
    s.consume([hit('short', 1, 1000), hit('long', 1, 60_000)], 0);
    s.sweep(1000);
    expect(s.size).toBe(1);
  });

  it('should not keep the process alive with its sweep timer', () => {
    const s = make();
    expect((s as unknown as { sweeper: NodeJS.Timeout }).sweeper.hasRef()).toBe(false);
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
