import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { fillUsernameSkeletons } from './username-audit.js';
import { checkUsername, ReservedUsernames, type UsernameCheck, usernameBase, type ValidUsername } from './username-rules.js';

/**
 * The username rules (username-rules.ts) with this site's reserved names, plus the database side: which names are
 * free. Registration uses `check`; accounts created from a publisher's sign-in will use `deriveUnique`.
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
   * preferred username, an email): the base itself if free, else the base with the lowest free number appended.
   * A concurrent registration may still take it first: the insert's unique violation then asks for another call.
   */
  async deriveUnique(seed: string, opts: { staff?: boolean } = {}): Promise<ValidUsername> {
    const base = usernameBase(seed, { reserved: this.reserved, staff: opts.staff });
    for (let from = 1; ; from += 100) {
      const candidates = Array.from({ length: 100 }, (_, i) => (from + i === 1 ? base : `${base}${from + i}`))
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
