import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainEventListener } from '../events/domain-event-listener.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { retryDelayMs } from '../webhooks/retry-schedule.js';
import { MailComposer } from './mail-composer.js';
import {
  type ClaimedMail,
  claimDueMails,
  markCancelled,
  markFailed,
  markSent,
  pruneMails,
  queueDigests,
  queueStaffDigests,
  scheduleRetry,
} from './mail-queue.js';
import { MailSettings } from './mail-settings.js';
import { MailTransport } from './mail-transport.js';
import { WakeableSleep } from '../common/wakeable-sleep.js';

const BATCH = 10;
const DIGEST_BATCH = 5_000;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 1_000;
/** Finished mails (sent, failed, cancelled) are kept this long, for the GDPR export and support, then deleted. */
export const MAIL_RETENTION_DAYS = 90;
const MAX_ERROR_BACKOFF_MS = 30_000;
/** Committed domain events (a reply approved on any instance) wake the worker at most this often. */
const NUDGE_GAP_MS = 500;

/**
 * The mail worker: every instance with MAIL_WORKER=true and mail on runs one. Every MAIL_POLL_INTERVAL_MS (and when
 * woken, e.g. after a confirmation was requested) it queues the day's digests once their hour has passed, then claims
 * due mails (mail-queue.ts: SKIP LOCKED leases, so instances never send one mail twice) and sends them one after
 * another. A failed attempt is retried with exponential backoff (MAIL_RETRY_BASE_MS doubling up to
 * MAIL_RETRY_MAX_DELAY_MS) until MAIL_MAX_ATTEMPTS, then recorded as failed; a permanent refusal (SMTP 5xx: unknown
 * mailbox, rejected) is failed at once. Shutdown stops claiming and lets the mail being sent finish.
 */
@Injectable()
export class MailWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private loop: Promise<void> | null = null;
  private stopping = false;
  private readonly pause = new WakeableSleep();
  private errors = 0;
  private nextPruneAt = Date.now() + 60_000;
  private lastClaimAt = 0;
  /** The digest moment this instance last queued the moderators' queue digests for. */
  private queueDigestCutoff = 0;
  private nudgeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: MailSettings,
    private readonly composer: MailComposer,
    private readonly transport: MailTransport,
    private readonly events: DomainEventListener,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) {
      this.logger.log('mail is off: SMTP_URL is not set');
      return;
    }
    if (this.settings.mode === 'folder') this.logger.log(`mail is written to ${this.settings.devDir} (development without SMTP_URL)`);
    if (!this.settings.runWorker) return;
    this.events.onCommitted(() => this.nudge());
    this.loop = this.run();
  }

  /** Domain events were committed (perhaps a reply mail with them): look soon, not more often than NUDGE_GAP_MS. */
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

  wake(): void {
    this.pause.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer);
    this.wake();
    await this.loop;
  }

  /** Queues one digest mail per reader with replies held before `cutoff` (default: the last digest hour). */
  async runDigest(cutoff: Date = this.settings.digestCutoff()): Promise<number> {
    let total = 0;
    for (let i = 0; i < 100; i++) {
      const queued = await queueDigests(this.prisma.pool, cutoff, DIGEST_BATCH);
      total += queued;
      if (queued === 0) break;
    }
    return total;
  }

  /** Queues the daily queue digest of every moderator and admin who opted in and has none since `cutoff`. */
  runQueueDigest(cutoff: Date = this.settings.digestCutoff()): Promise<number> {
    return queueStaffDigests(this.prisma.pool, cutoff);
  }

  /** Claims and sends what is due now, once; answers how many were claimed (the loop's step, and tests'). */
  async sendDue(): Promise<number> {
    this.lastClaimAt = Date.now();
    const due = await claimDueMails(this.prisma.pool, BATCH, this.settings.leaseMs);
    for (const m of due) await this.attempt(m);
    return due.length;
  }

  private async attempt(m: ClaimedMail): Promise<void> {
    let composed;
    try {
      composed = await this.composer.compose(m);
    } catch (err) {
      return this.failedAttempt(m, `composing failed: ${(err as Error).message}`, false);
    }
    if ('cancel' in composed) return markCancelled(this.prisma.pool, m, composed.cancel);
    try {
      const messageId = await this.transport.send({ to: composed.to, ...composed.mail, headers: composed.headers, outboxId: m.id });
      await markSent(this.prisma.pool, m, messageId);
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      await this.failedAttempt(m, e.responseCode ? `SMTP ${e.responseCode}: ${e.message}` : e.message, permanent);
    }
  }

  private async failedAttempt(m: ClaimedMail, error: string, permanent: boolean): Promise<void> {
    if (permanent || m.attempts >= this.settings.schedule.maxAttempts) {
      this.logger.warn({ msg: 'mail failed', id: m.id, kind: m.kind, attempts: m.attempts, err: error });
      await markFailed(this.prisma.pool, m, error);
    } else {
      await scheduleRetry(this.prisma.pool, m, error, retryDelayMs(m.attempts, this.settings.schedule));
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      try {
        const cutoff = this.settings.digestCutoff();
        await this.runDigest(cutoff);
        if (cutoff.getTime() !== this.queueDigestCutoff) {
          await this.runQueueDigest(cutoff);
          this.queueDigestCutoff = cutoff.getTime();
        }
        claimed = await this.sendDue();
        if (this.errors) this.logger.log('mail outbox reachable again');
        this.errors = 0;
      } catch (err) {
        this.errors++;
        if (this.errors === 1 || this.errors % 10 === 0)
          this.logger.warn({ msg: 'mail outbox unavailable; retrying', err: (err as Error).message, failures: this.errors });
      }
      await this.prune().catch((err: unknown) =>
        this.logger.warn({ msg: 'deleting old mails failed; retrying in an hour', err: (err as Error).message }),
      );
      if (this.stopping) break;
      if (claimed === BATCH) continue;
      await this.pause.sleep(
        this.errors ? Math.min(MAX_ERROR_BACKOFF_MS, this.settings.pollIntervalMs * 2 ** this.errors) : this.settings.pollIntervalMs,
      );
    }
  }

  private async prune(): Promise<void> {
    if (Date.now() < this.nextPruneAt) return;
    this.nextPruneAt = Date.now() + PRUNE_EVERY_MS;
    for (let batch = 0; batch < 50 && !this.stopping; batch++)
      if ((await pruneMails(this.prisma.pool, MAIL_RETENTION_DAYS, PRUNE_BATCH)) < PRUNE_BATCH) break;
  }
}
