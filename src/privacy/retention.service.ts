import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type pg from 'pg';
import { deleteExpiredSessions } from '../auth/sessions.js';
import { AppConfig } from '../config/app-config.js';
import { expireNotifierContacts, expireNotifierKeys } from '../dsa/notice-contacts.js';
import { PrismaService } from '../prisma/prisma.service.js';

/** Rows deleted per statement: short transactions, short row locks. */
const BATCH = 1000;
/** One run at a time across every instance on the database (a session-level advisory lock). */
const RUN_LOCK = 'newsroom:retention';
/** The first run waits up to this long after start-up (spread over instances started together). */
const FIRST_RUN_MAX_DELAY_MS = 60_000;

export interface RetentionRun {
  /** Sessions (refresh tokens) deleted because they expired more than RETENTION_SESSION_DAYS ago. */
  sessions: number;
  /** Notices whose notifier's name and email were removed, RETENTION_NOTICE_CONTACT_DAYS after their decision. */
  noticeContacts: number;
}

/**
 * GDPR Art. 5(1)(e), storage limitation: personal data the service no longer needs is deleted on a schedule.
 *
 *   - Sessions: a refresh token is useless once it expired; RETENTION_SESSION_DAYS later (default 30) its row, with
 *     its sign-in and refresh times, is deleted. (A family's newest token expires last, so a live session is never
 *     touched, and a stolen token from a deleted row is refused like any unknown one.)
 *   - IP addresses: the service stores none. The client address is used only in memory, as the key of per-IP rate
 *     limits, and forgotten when the window ends; access logs do not contain it.
 *
 * Runs every RETENTION_INTERVAL_SECONDS (0 = never in this process), the first time shortly after start-up. Safe
 * with several instances: a run takes a session-level advisory lock and an instance that cannot get it skips its
 * turn, and each batch deletes with FOR UPDATE SKIP LOCKED. It stops cleanly on shutdown: no new run starts, and a
 * run in progress stops after its current batch, before the database pool closes.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private timer?: NodeJS.Timeout;
  private current?: Promise<RetentionRun | null>;
  private stopping = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.get('RETENTION_INTERVAL_SECONDS') * 1000;
    if (interval > 0) this.schedule(Math.min(interval, Math.round(Math.random() * FIRST_RUN_MAX_DELAY_MS)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.current?.catch(() => {});
  }

  /**
   * One run: deletes what is due, unless another instance is running the job (then null). Errors are the
   * caller's; the scheduler logs them and tries again at the next interval.
   */
  runOnce(now = new Date()): Promise<RetentionRun | null> {
    // One run at a time in this process too (a scheduled run and a direct call).
    const run = (this.current ?? Promise.resolve(null)).catch(() => null).then(() => this.locked(now));
    this.current = run;
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      void this.runOnce()
        .then((r) => {
          if (r?.sessions || r?.noticeContacts) this.logger.log({ msg: 'retention: deleted expired personal data', ...r });
        })
        .catch((err: unknown) =>
          this.logger.warn({
            msg: 'retention run failed; retrying at the next interval',
            error: err instanceof Error ? err.message : String(err),
          }),
        )
        .finally(() => this.schedule(this.config.get('RETENTION_INTERVAL_SECONDS') * 1000));
    }, delayMs);
    // The job never keeps the process alive on its own.
    this.timer.unref();
  }

  private async locked(now: Date): Promise<RetentionRun | null> {
    if (this.stopping) return null;
    const client = await this.prisma.pool.connect();
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [RUN_LOCK]);
      if (!rows[0]?.ok) return null;
      try {
        return await this.purge(client, now);
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [RUN_LOCK]).catch(() => (broken = true));
      }
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      client.off('error', onError);
      // A connection that failed mid-run is not returned to the pool (and its advisory lock ends with it).
      client.release(broken);
    }
  }

  private async purge(client: pg.PoolClient, now: Date): Promise<RetentionRun> {
    const sessionCutoff = new Date(now.getTime() - this.config.get('RETENTION_SESSION_DAYS') * 86_400_000);
    const sessions = await this.inBatches(() => deleteExpiredSessions(client, sessionCutoff, BATCH));
    const contactCutoff = new Date(now.getTime() - this.config.get('RETENTION_NOTICE_CONTACT_DAYS') * 86_400_000);
    const noticeContacts = await this.inBatches(() => expireNotifierContacts(client, contactCutoff, BATCH));
    const keyCutoff = new Date(now.getTime() - this.config.get('DSA_MISUSE_WINDOW_DAYS') * 86_400_000);
    await this.inBatches(() => expireNotifierKeys(client, keyCutoff, BATCH));
    return { sessions, noticeContacts };
  }

  /** Runs a batched DELETE or UPDATE until it changes less than a batch (or the process is stopping); returns the total. */
  private async inBatches(batch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const changed = await batch();
      total += changed;
      if (changed < BATCH || this.stopping) return total;
    }
  }
}
