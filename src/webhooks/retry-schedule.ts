export interface RetrySchedule {
  maxAttempts: number;
  baseMs: number;
  maxDelayMs: number;
}

/**
 * How long to wait after the `attempt`-th failed attempt (1-based): exponential from `baseMs`, doubling each time,
 * capped at `maxDelayMs`, with ±20% jitter so endpoints that failed together (a receiver's outage) are not retried
 * in lockstep. With the defaults (15 attempts, 10 s base, 6 h cap) the 14 waits add up to about 23 hours:
 * 10 s, 20 s, 40 s … 5.7 h, 6 h, 6 h.
 */
export function retryDelayMs(attempt: number, schedule: RetrySchedule, random: () => number = Math.random): number {
  const exponential = schedule.baseMs * 2 ** Math.min(attempt - 1, 40);
  const capped = Math.min(exponential, schedule.maxDelayMs);
  return Math.round(Math.min(capped * (0.8 + 0.4 * random()), schedule.maxDelayMs));
}

/** The total of the waits between the first and the last attempt, without jitter (README quotes it). */
export function retryWindowMs(schedule: RetrySchedule): number {
  let total = 0;
  for (let attempt = 1; attempt < schedule.maxAttempts; attempt++)
    total += Math.min(schedule.baseMs * 2 ** Math.min(attempt - 1, 40), schedule.maxDelayMs);
  return total;
}
