import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { run } from '../database/sql.js';
import { DOMAIN_EVENTS_CHANNEL, type DomainEventRow, EVENTS_AFTER, EVENTS_BY_ID, LAST_EVENT_ID } from './domain-events.js';

/** What the listener delivers to: the articles it wants events about, and what to do with them. */
export interface DomainEventSink {
  /** Article ids with at least one subscriber on this instance (an empty list: nothing is fetched). */
  articleIds(): string[];
  /** Committed events about those articles, in commit order, each once. */
  deliver(events: DomainEventRow[]): void;
  /** Events may have been missed (the catch-up after a reconnect overflowed): resend what clients need. */
  resync(): void;
}

/** Ids fetched per query. */
const FETCH_BATCH = 1_000;
/** Events read after a reconnect before giving up and asking subscribers to resync. */
const CATCH_UP_LIMIT = 2_000;
/** Delivered ids remembered, so the catch-up after a reconnect skips what was already sent. */
const RECENT_IDS = 20_000;
/** The connection is checked this often (a half-open TCP connection would otherwise go unnoticed). */
const PING_EVERY_MS = 30_000;

/**
 * One dedicated PostgreSQL connection per instance LISTENing on `domain_events` (src/events/domain-events.ts): a
 * notification carries the ids of events whose transaction has committed; the listener reads those rows (only
 * those about articles someone here subscribes to) and hands them to the sink in commit order. Every instance does
 * the same, so a change made through any instance reaches subscribers on all of them.
 *
 * The connection reconnects by itself (backoff up to 5 s, a ping every 30 s finds dead ones). Notifications sent
 * while it was away are lost, so after reconnecting it reads the subscribed articles' events after the last id it
 * had seen, within the resume window, skipping those already delivered.
 */
@Injectable()
export class DomainEventListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DomainEvents');
  private client?: pg.Client;
  private sink?: DomainEventSink;
  private stopped = false;
  private connecting?: Promise<void>;
  private pinger?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  /** Announced ids not yet read, in notification (commit) order. */
  private pending: string[] = [];
  /** Every read and delivery runs one after the other, so events leave in commit order. */
  private work: Promise<void> = Promise.resolve();
  private lastSeenId?: bigint;
  /**
   * Events after this id may not have reached the sink: the connection was away, or reading announced ids failed.
   * Set when that happens (not from lastSeenId later: notifications arriving while reconnecting move lastSeenId past
   * the gap), read from by the next catch-up.
   */
  private resumeFrom?: bigint;
  private readonly recent = new Set<string>();
  private wasLost = false;
  private failures = 0;
  private readonly committedCallbacks: ((ids: readonly string[]) => void)[] = [];

  constructor(private readonly config: AppConfig) {}

  /**
   * Called on every notification, i.e. whenever some instance committed domain events (no rows are read for it).
   * The webhook worker uses it to look for new deliveries at once instead of at its next poll; the staff event
   * stream (src/staff-events) reads the announced ids itself (every type, not only the subscribed articles').
   */
  onCommitted(callback: (ids: readonly string[]) => void): void {
    this.committedCallbacks.push(callback);
  }

  /** The consumer (live-update streams). One per instance. */
  attach(sink: DomainEventSink): void {
    this.sink = sink;
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** The listening connection's server process id (tests cut it with pg_terminate_backend). */
  get backendPid(): number | undefined {
    return (this.client as { processID?: number } | undefined)?.processID;
  }

  onApplicationBootstrap(): void {
    this.connecting = this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pinger);
    clearTimeout(this.retryTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.config.databaseUrl,
      application_name: 'newsroom-comments:events',
      connectionTimeoutMillis: 5_000,
      statement_timeout: this.config.get('DB_STATEMENT_TIMEOUT_MS'),
      keepAlive: true,
    });
    client.on('error', (err: Error) => this.lost(client, err.message));
    client.on('end', () => this.lost(client, 'connection closed'));
    client.on('notification', (n) => {
      if (n.channel === DOMAIN_EVENTS_CHANNEL && n.payload) this.announced(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${DOMAIN_EVENTS_CHANNEL}`);
      const [last] = await run(client, LAST_EVENT_ID, []);
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.failures = 0;
      clearInterval(this.pinger);
      this.pinger = setInterval(() => void this.ping(client), PING_EVERY_MS);
      this.pinger.unref();
      if (this.wasLost || this.resumeFrom !== undefined) {
        this.wasLost = false;
        this.logger.log({ msg: 'listening for domain events again; catching up' });
        this.enqueue(() => this.catchUp(client));
      } else {
        this.lastSeenId = BigInt(last.id);
      }
    } catch (err) {
      await client.end().catch(() => {});
      this.lost(client, (err as Error).message);
    }
  }

  private lost(client: pg.Client, reason: string): void {
    if (this.stopped) return;
    if (this.client === client) this.client = undefined;
    else if (this.client !== undefined) return; // an old connection's late event
    if (this.retryTimer) return; // a retry is already scheduled
    if (!this.wasLost)
      this.logger.warn({ msg: 'lost the domain event listener connection; reconnecting (live updates pause meanwhile)', reason });
    this.wasLost = true;
    // Announced but unread ids, and everything after the last one seen, are read again after reconnecting.
    if (this.lastSeenId !== undefined) this.gapAfter(this.pending.length ? minId(this.pending) - 1n : this.lastSeenId);
    clearInterval(this.pinger);
    const delay = Math.min(250 * 2 ** this.failures++, 5_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connecting = this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private async ping(client: pg.Client): Promise<void> {
    try {
      await client.query('SELECT 1');
    } catch (err) {
      await client.end().catch(() => {});
      this.lost(client, (err as Error).message);
    }
  }

  private announced(payload: string): void {
    const ids = payload.split(',');
    const last = BigInt(ids[ids.length - 1]);
    if (this.lastSeenId === undefined || last > this.lastSeenId) this.lastSeenId = last;
    for (const callback of this.committedCallbacks) callback(ids);
    // Nobody here listens: nothing to read (the ids are still remembered for a later catch-up).
    if (!this.sink || this.sink.articleIds().length === 0) return;
    const first = this.pending.length === 0;
    this.pending.push(...ids);
    if (first) this.enqueue(() => this.fetchPending());
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err: unknown) => {
      this.logger.warn({ msg: 'reading domain events failed', error: (err as Error).message });
    });
  }

  private async fetchPending(): Promise<void> {
    while (this.pending.length) {
      const ids = this.pending.splice(0, FETCH_BATCH);
      const client = this.client;
      const articles = this.sink?.articleIds() ?? [];
      if (!articles.length) {
        this.resumeFrom = undefined; // nobody here listens: a new stream starts from the present
        continue;
      }
      if (!client) {
        this.gapAfter(minId(ids) - 1n); // lost meanwhile: the catch-up after reconnecting reads them
        continue;
      }
      try {
        if (this.resumeFrom !== undefined) await this.catchUp(client); // an earlier read failed: first what it missed
        this.deliver(await run(client, EVENTS_BY_ID, [ids, articles]));
      } catch (err) {
        this.gapAfter(minId(ids) - 1n);
        throw err;
      }
    }
  }

  private gapAfter(id: bigint): void {
    if (this.resumeFrom === undefined || id < this.resumeFrom) this.resumeFrom = id;
  }

  private async catchUp(client: pg.Client): Promise<void> {
    const articles = this.sink?.articleIds() ?? [];
    const from = this.resumeFrom ?? this.lastSeenId;
    if (!articles.length) this.resumeFrom = undefined; // nobody to catch up for: a new stream starts from the present
    if (!articles.length || from === undefined) return;
    const events = await run(client, EVENTS_AFTER, [
      articles,
      from.toString(),
      this.config.get('SSE_RESUME_WINDOW_SECONDS'),
      CATCH_UP_LIMIT + 1,
    ]);
    if (this.resumeFrom === from) this.resumeFrom = undefined;
    if (events.length > CATCH_UP_LIMIT) {
      this.logger.warn({
        msg: 'too many domain events missed while reconnecting; subscribers are asked to resync',
        missed: `> ${CATCH_UP_LIMIT}`,
      });
      this.sink?.resync();
      return;
    }
    this.deliver(events);
  }

  /** Hands events on, each id once (a catch-up and a late notification may both name it). */
  private deliver(rows: DomainEventRow[]): void {
    const events = rows.filter((e) => !this.recent.has(e.id));
    if (!events.length) return;
    for (const e of events) {
      this.recent.add(e.id);
      if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
    }
    this.sink?.deliver(events);
  }
}

const minId = (ids: string[]): bigint => ids.reduce((min, id) => (BigInt(id) < min ? BigInt(id) : min), BigInt(ids[0]));
