import { retryDelayMs, retryWindowMs } from './retry-schedule.js';

const DEFAULTS = { maxAttempts: 15, baseMs: 10_000, maxDelayMs: 6 * 3_600_000 };

describe('retry schedule', () => {
  it('should double from the base, up to the cap', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, DEFAULTS, mid))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(12, DEFAULTS, mid)).toBe(10_000 * 2 ** 11);
    expect(retryDelayMs(13, DEFAULTS, mid)).toBe(DEFAULTS.maxDelayMs);
    expect(retryDelayMs(1000, DEFAULTS, mid)).toBe(DEFAULTS.maxDelayMs);
  });

  it('should add ±20% jitter and never exceed the cap', () => {
    expect(retryDelayMs(3, DEFAULTS, () => 0)).toBe(32_000);
    expect(retryDelayMs(3, DEFAULTS, () => 0.999999)).toBe(48_000);
    expect(retryDelayMs(14, DEFAULTS, () => 0.999999)).toBe(DEFAULTS.maxDelayMs);
  });

  it('should spread the default attempts over about a day', () => {
    const hours = retryWindowMs(DEFAULTS) / 3_600_000;
    expect(hours).toBeGreaterThan(20);
    expect(hours).toBeLessThan(28);
  });
});
