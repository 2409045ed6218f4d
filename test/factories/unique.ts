import { randomBytes } from 'node:crypto';

/** Unique per call and per worker (test files share one database): lowercase, ≤ 20 characters. */
export function uniq(prefix = 'u'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`.slice(0, 20);
}
