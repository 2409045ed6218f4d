import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { fillUsernameSkeletons } from './username-audit.js';
import { checkUsername, ReservedUsernames, USERNAME_MAX, type UsernameCheck, usernameBase, type ValidUsername } from './username-rules.js';

/** Rounds of random candidates before giving up (each round: one query for eight names). */
const MAX_DERIVE_ROUNDS = 4;
/** Inserts whose name a concurrent insert took first; each retry draws fresh random names. */
const MAX_INSERT_ATTEMPTS = 6;
const SUFFIX_MIN = 100;
const SUFFIX_MAX = 1_000_000;

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

/**
 * The names to try for `base`: the base itself (first round only), then the base with random numbers of 3-6
 * digits, cut so the whole fits USERNAME_MAX. Random rather than the next free number: constant time, and
 * concurrent sign-ins with the same base do not race for the same candidate.
 */
export function usernameCandidates(base: string, withBase: boolean): string[] {
  const random = Array.from({ length: 8 }, () => {
    const suffix = String(randomInt(SUFFIX_MIN, SUFFIX_MAX));
    return `${base.slice(0, USERNAME_MAX - suffix.length).replace(/[_-]+$/, '')}${suffix}`;
  });
  return withBase ? [base, ...random] : random;
}

/**
 * The username rules (username-rules.ts) with this site's reserved names, plus the database side: which names are
 * free. Registration uses `check`; accounts created from a publisher's sign-in use `createWithUniqueName`.
 */
@Injectable()
export class UsernamesService implements OnApplicationBootstrap {
  readonly reserved: ReservedUsernames;
  private readonly logger = new Logger(UsernamesService.name);

  constructor(
    private readonly prisma: PrismaService,
    config: AppConfig,
  ) {
    this.reserved = ReservedUsernames.forSite(config.get('RESERVED_USERNAMES'));
  }

  /** Validates and normalises a username; reserved names only for staff accounts. */
  check(username: string, opts: { staff?: boolean } = {}): UsernameCheck {
    return checkUsername(username, { reserved: this.reserved, staff: opts.staff });
  }

  /**
   * A valid username that no account holds (nor a look-alike of it), derived from `seed` (a display name, a
   * preferred username, an email): the base itself if free, else the base with a random number appended. One query
   * whatever the number of namesakes (no upward scan: with `reader`..`reader30000` taken, the next one costs the
   * same as the first). A concurrent sign-in may still take it first: see `createWithUniqueName`.
   */
  async deriveUnique(seed: string, opts: { staff?: boolean } = {}): Promise<ValidUsername> {
    const base = usernameBase(seed, { reserved: this.reserved, staff: opts.staff });
    for (let round = 0; ; round++) {
      const candidates = usernameCandidates(base, round === 0)
        .map((name) => this.check(name, opts))
        .filter((c): c is UsernameCheck & { ok: true } => c.ok);
      const taken = await this.prisma.user.findMany({
        where: {
          OR: [
            { usernameNormalized: { in: candidates.map((c) => c.normalized) } },
            { usernameSkeleton: { in: candidates.map((c) => c.skeleton) } },
          ],
        },
        select: { usernameNormalized: true, usernameSkeleton: true },
      });
      const normalized = new Set(taken.map((t) => t.usernameNormalized));
      const skeletons = new Set(taken.map((t) => t.usernameSkeleton));
      const free = candidates.find((c) => !normalized.has(c.normalized) && !skeletons.has(c.skeleton));
      if (free) return { username: free.username, normalized: free.normalized, skeleton: free.skeleton };
      // Eight random six-digit suffixes all taken: only with hundreds of thousands of namesakes.
      if (round >= MAX_DERIVE_ROUNDS) throw new Error(`no free username derived from "${base}"`);
    }
  }

  /**
   * Creates an account under a name derived from `seed` (accounts created by a publisher's sign-in, and imports):
   * `insert` runs with a free name; when a concurrent insert took that name first (a unique violation while the name
   * is now held), it runs again with a fresh one. Any other unique violation (an email, an identity) is the
   * caller's. `insert` must run its own transaction, so a retry starts clean.
   */
  async createWithUniqueName<T>(seed: string, opts: { staff?: boolean }, insert: (name: ValidUsername) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const name = await this.deriveUnique(seed, opts);
      try {
        return await insert(name);
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= MAX_INSERT_ATTEMPTS) throw err;
        // Ask the database whether the name collided rather than parsing the driver's error metadata.
        const held = await this.prisma.user.count({
          where: { OR: [{ usernameNormalized: name.normalized }, { usernameSkeleton: name.skeleton }] },
        });
        if (!held) throw err;
      }
    }
  }

  /** Gives accounts older than the rules their skeleton; look-alike collisions are logged (see username-audit.ts). */
  async onApplicationBootstrap(): Promise<void> {
    const result = await fillUsernameSkeletons(this.prisma.pool);
    if (!result) return;
    if (result.filled) this.logger.log({ msg: 'stored the confusable skeleton of existing usernames', accounts: result.filled });
    if (result.collisions.length) {
      this.logger.warn({
        msg: 'existing accounts with look-alike usernames; run `npm run db:usernames` and rename one of each pair',
        collisions: result.collisions.length,
      });
    }
  }
}
