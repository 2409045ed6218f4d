import { Injectable } from '@nestjs/common';
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane (~10 ms here).
const OPTIONS = { algorithm: 2 as Algorithm /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Sign-ins waiting beyond this many are turned away at once (503 + Retry-After) instead of queueing for seconds. */
export const MAX_WAITING_HASHES = 200;

/**
 * At most `limit` tasks run at once; the others wait in arrival order. Each argon2id run holds 19 MiB, so without
 * this 50 concurrent logins would hold ~1 GB at peak (libuv's pool runs 4 at a time, but every queued request
 * still grows the heap); with it memory stays flat and throughput is the same, since hashing is CPU-bound.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else if (this.waiting.length >= this.maxWaiting) {
      throw new AppError('SERVICE_UNAVAILABLE', 'Too many sign-ins at once, retry shortly', undefined, { 'retry-after': '1' });
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over, `active` unchanged
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

@Injectable()
export class PasswordService {
  private readonly gate: ConcurrencyGate;
  /** Verified against when the account does not exist, so unknown users cost the same time as wrong passwords. */
  private readonly dummyHash = hash('not-a-real-password-only-for-timing', OPTIONS);

  constructor(config: AppConfig) {
    this.gate = new ConcurrencyGate(config.get('PASSWORD_HASH_CONCURRENCY'), MAX_WAITING_HASHES);
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => hash(password, OPTIONS));
  }

  async verify(passwordHash: string | null | undefined, password: string): Promise<boolean> {
    const stored = passwordHash ?? (await this.dummyHash);
    const ok = await this.gate.run(() => verify(stored, password).catch(() => false));
    return ok && !!passwordHash;
  }
}
