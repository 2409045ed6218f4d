import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';

/** How often an instance tries to delete expired events (with jitter, so instances started together spread out). */
const PURGE_EVERY_MS = 5 * 60_000;
/** Rows per DELETE: short statements, so a large backlog never holds locks or a connection for long. */
const BATCH = 5_000;
/**
 * Advisory lock (single-bigint key space, so it cannot meet comment_post_gate's two-int keys): only one instance
 * deletes at a time; the others see the lock taken and skip their turn.
 */
const RETENTION_LOCK = 7_302_101_205_463_012_345n;

/**
 * Deletes domain events older than DOMAIN_EVENTS_RETENTION_HOURS (they serve SSE resume and webhook delivery
 * creation, both of which need minutes, not days). Safe with several instances: each batch is one autocommit
 * statement that first tries a transaction-scoped advisory lock and deletes nothing when another instance holds it.
 */
@Injectable()
export class EventRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventRetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = () => {
      this.timer = setTimeout(
        () => {
          this.running = this.purge()
            .catch((err: unknown) =>
              this.logger.warn({ msg: 'deleting expired domain events failed; retrying later', error: (err as Error).message }),
            )
            .finally(() => !this.stopped && schedule());
        },
        PURGE_EVERY_MS * (0.75 + Math.random() / 2),
      );
      this.timer.unref();
    };
    schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Deletes every event older than the retention window, in batches. Returns how many this instance deleted, or
   * null when another instance was deleting at that moment.
   */
  async purge(): Promise<number | null> {
    const hours = this.config.get('DOMAIN_EVENTS_RETENTION_HOURS');
    let total = 0;
    for (;;) {
      const { rows } = await this.prisma.pool.query<{ held: boolean; deleted: number }>(
        `WITH lock AS (SELECT pg_try_advisory_xact_lock($1::bigint) AS held),
              doomed AS (SELECT id FROM domain_events
                         WHERE occurred_at < now() - make_interval(hours => $2::int) AND (SELECT held FROM lock)
                         LIMIT $3::int),
              deleted AS (DELETE FROM domain_events e USING doomed WHERE e.id = doomed.id RETURNING 1)
         SELECT (SELECT held FROM lock) AS held, (SELECT count(*) FROM deleted)::int AS deleted`,
        [RETENTION_LOCK.toString(), hours, BATCH],
      );
      const { held, deleted } = rows[0];
      if (!held) return total > 0 ? total : null;
      total += deleted;
      if (deleted < BATCH || this.stopped) break;
    }
    if (total > 0) this.logger.log({ msg: 'deleted expired domain events', count: total, olderThanHours: hours });
    return total;
  }
}
