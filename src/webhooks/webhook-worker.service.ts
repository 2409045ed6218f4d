import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainEventListener } from '../events/domain-event-listener.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { claimDueDeliveries, pruneDeliveries } from './webhook-queue.js';
import { WebhookSettings } from './webhook-settings.js';
import { WakeableSleep } from '../common/wakeable-sleep.js';

const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 1000;
const MAX_ERROR_BACKOFF_MS = 30_000;
/** Committed events wake the worker at most this often (a busy site commits hundreds a second). */
const NUDGE_GAP_MS = 50;

/**
 * The delivery worker: every instance with WEBHOOK_WORKER=true runs one. It looks at the queue (webhook-queue.ts)
 * when domain events were committed on any instance (the LISTEN connection's notifications, at most every
 * NUDGE_GAP_MS), every WEBHOOK_POLL_INTERVAL_MS (due retries; notifications missed while that connection was down),
 * and at once when woken (a retry requested through the API, a slot freed),
 * keeping up to WEBHOOK_CONCURRENCY attempts in flight. Instances share the queue safely (SKIP LOCKED leases), so
 * scaling out needs no coordination. It also deletes finished deliveries older than
 * WEBHOOK_DELIVERY_RETENTION_DAYS, in small batches, once an hour.
 *
 * Shutdown: it stops claiming, then waits for the attempts in flight (each bounded by WEBHOOK_TIMEOUT_MS) to finish
 * and be recorded, before the database pool closes. Nothing is lost if it is killed instead: a claimed delivery is
 * retried when its lease ends, and the rest are still pending in the table.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly inFlight = new Set<Promise<unknown>>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private readonly pause = new WakeableSleep();
  private errors = 0;
  private nextPruneAt = Date.now() + 60_000;
  private lastClaimAt = 0;
  private nudgeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: WebhookSettings,
    private readonly dispatcher: WebhookDispatcher,
    private readonly events: DomainEventListener,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.runWorker) return;
    if (!this.settings.secrets) {
      this.logger.log('webhooks are off: WEBHOOK_SECRET_KEY is not set');
      return;
    }
    this.events.onCommitted(() => this.nudge());
    this.loop = this.run();
  }

  /** New domain events were committed (maybe with deliveries): look soon, but not more often than NUDGE_GAP_MS. */
  private nudge(): void {
    if (this.nudgeTimer || this.stopping) return;
    this.nudgeTimer = setTimeout(
      () => {
        this.nudgeTimer = null;
        this.wake();
      },
      Math.max(0, this.lastClaimAt + NUDGE_GAP_MS - Date.now()),
    );
    this.nudgeTimer.unref();
  }

  /** Look for due deliveries now instead of at the next poll. */
  wake(): void {
    this.pause.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer);
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const free = this.settings.concurrency - this.inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          this.lastClaimAt = Date.now();
          const due = await claimDueDeliveries(this.prisma.pool, free, this.settings.leaseMs);
          claimed = due.length;
          for (const d of due) this.track(this.dispatcher.attempt(d));
          this.errors = 0;
        } catch (err) {
          this.errors++;
          // One line when the database goes away and every tenth after, not one per poll.
          if (this.errors === 1 || this.errors % 10 === 0)
            this.logger.warn({ msg: 'webhook queue unavailable; retrying', err: (err as Error).message, failures: this.errors });
        }
        // Not part of claiming: a slow or failing clean-up neither holds up deliveries nor counts as the queue failing.
        await this.prune().catch((err: unknown) =>
          this.logger.warn({ msg: 'deleting old webhook deliveries failed; retrying in an hour', err: (err as Error).message }),
        );
      }
      if (this.stopping) break;
      if (free > 0 && claimed === free) continue; // a full batch: more may be due right away
      await this.pause.sleep(
        this.errors ? Math.min(MAX_ERROR_BACKOFF_MS, this.settings.pollIntervalMs * 2 ** this.errors) : this.settings.pollIntervalMs,
      );
    }
  }

  private track(attempt: Promise<unknown>): void {
    const tracked = attempt.finally(() => {
      this.inFlight.delete(tracked);
      this.wake(); // a slot is free
    });
    this.inFlight.add(tracked);
  }

  private async prune(): Promise<void> {
    if (Date.now() < this.nextPruneAt) return;
    this.nextPruneAt = Date.now() + PRUNE_EVERY_MS;
    let total = 0;
    for (let batch = 0; batch < 50 && !this.stopping; batch++) {
      const deleted = await pruneDeliveries(this.prisma.pool, this.settings.retentionDays, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH) break;
    }
    if (total) this.logger.log({ msg: 'deleted old webhook deliveries', deleted: total, olderThanDays: this.settings.retentionDays });
  }
}
