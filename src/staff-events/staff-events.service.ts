import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { SseWriter } from '../common/sse-writer.js';
import { AppConfig } from '../config/app-config.js';
import { one, run } from '../database/sql.js';
import { DomainEventListener } from '../events/domain-event-listener.js';
import { currentDecisions } from '../moderation/last-decision.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ConsoleCountsDto } from './staff-events.dto.js';
import { CONSOLE_COUNTS, STAFF_EVENTS_BY_ID, STAFF_STANDING } from './staff-events.sql.js';

interface StaffStream {
  userId: string;
  out: SseWriter;
  closed: boolean;
}

/** Events of one commit burst are read together. */
const COALESCE_MS = 100;
/** How often open streams check that their member of staff still may moderate (a ban, a demotion, an erasure). */
const STANDING_EVERY_MS = 2_000;
/** Reports, notices and appeals change the counts without a domain event: they are read again this often. */
const COUNTS_EVERY_MS = 10_000;
/** Streams one member of staff may hold on one instance (tabs). */
const MAX_PER_USER = 10;

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The staff event stream (GET /api/admin/events, Server-Sent Events read with fetch and a Bearer token): queue
 * counts as they change, and every comment change with who made it, so the console keeps its counts live, shows a
 * colleague's decision on a card at once and offers comments that arrived. The listener's notifications (every
 * committed domain event, whatever its article) are read once per burst for all streams of this instance; a
 * member of staff who is banned, demoted or erased is told (`revoked`) and cut off within STANDING_EVERY_MS.
 */
@Injectable()
export class StaffEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('StaffEvents');
  private readonly streams = new Set<StaffStream>();
  private pendingIds: string[] = [];
  private flushTimer?: NodeJS.Timeout;
  private standingTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private countsTimer?: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();
  private lastCounts = '';
  private closing = false;

  constructor(
    private readonly listener: DomainEventListener,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.listener.onCommitted((ids) => this.announced(ids));
  }

  onModuleDestroy(): void {
    this.closing = true;
    clearTimeout(this.flushTimer);
    this.stopTimers();
    for (const s of [...this.streams]) this.end(s);
  }

  get size(): number {
    return this.streams.size;
  }

  counts(): Promise<ConsoleCountsDto> {
    return one(this.prisma.pool, CONSOLE_COUNTS, []).then((c) => c!);
  }

  /** Opens a stream for a member of staff: 200 text/event-stream, then `counts` at once and whenever they change. */
  async open(req: FastifyRequest, reply: FastifyReply, user: AuthUser): Promise<void> {
    if (this.closing)
      throw new AppError('SERVICE_UNAVAILABLE', 'The service is shutting down; reconnect', undefined, { 'retry-after': '1' });
    if ([...this.streams].filter((s) => s.userId === user.id).length >= MAX_PER_USER)
      throw new AppError('TOO_MANY_STREAMS', `You already hold ${MAX_PER_USER} staff event streams here; close one first`, undefined, {
        'retry-after': '30',
      });
    const counts = await this.counts();
    const limits = { maxBuffered: this.config.get('SSE_MAX_BUFFERED_BYTES'), stallMs: this.config.get('SSE_STALL_SECONDS') * 1000 };
    // A console that does not read is cut by its writer (it reconnects and gets fresh counts).
    const stream: StaffStream = { userId: user.id, out: new SseWriter(reply.raw, limits, () => this.remove(stream)), closed: false };
    reply.raw.once('close', () => this.remove(stream));
    if (reply.raw.destroyed) return;
    void reply.hijack();
    const headers: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    req.raw.socket.setNoDelay(true);
    this.streams.add(stream);
    this.startTimers();
    this.write(stream, `retry: ${2000 + Math.floor(Math.random() * 3000)}\n\n`);
    this.write(stream, frame('counts', counts));
  }

  private announced(ids: readonly string[]): void {
    if (!this.streams.size) return;
    this.pendingIds.push(...ids);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      const batch = this.pendingIds;
      this.pendingIds = [];
      this.work = this.work
        .then(() => this.flush(batch))
        .catch((err: unknown) => this.logger.warn({ msg: 'staff events could not be read', error: (err as Error).message }));
    }, COALESCE_MS);
  }

  /** One burst: the events with the comments' current state and last actor, then the counts if they changed. */
  private async flush(ids: string[]): Promise<void> {
    if (!this.streams.size) return;
    const events = await run(this.prisma.pool, STAFF_EVENTS_BY_ID, [ids]);
    const commentEvents = events.filter((e) => e.type.startsWith('comment.'));
    const commentIds = [...new Set(commentEvents.map((e) => (e.data.comment as { id: string }).id))];
    const current = await currentDecisions(this.prisma.pool, commentIds);
    const frames: string[] = [];
    for (const e of commentEvents) {
      const d = e.data as { comment: { id: string }; article: { id: string; slug: string }; fromStatus: string | null; toStatus: string };
      const now = current.get(d.comment.id);
      frames.push(
        frame('comment', {
          id: d.comment.id,
          event: e.type,
          article: d.article,
          fromStatus: d.fromStatus,
          toStatus: d.toStatus,
          // The comment as it is now (a later event of the same burst may have changed it again).
          current: now ?? null,
        }),
      );
    }
    const counts = await this.counts();
    const countsText = JSON.stringify(counts);
    if (countsText !== this.lastCounts) frames.push(frame('counts', counts));
    this.lastCounts = countsText;
    for (const s of this.streams) for (const f of frames) this.write(s, f);
    if (events.some((e) => e.type.startsWith('user.'))) await this.checkStanding();
  }

  /** Ends the streams of staff who may no longer moderate, telling them why. */
  private async checkStanding(): Promise<void> {
    if (!this.streams.size) return;
    const ids = [...new Set([...this.streams].map((s) => s.userId))];
    const rows = new Map((await run(this.prisma.pool, STAFF_STANDING, [ids])).map((r) => [r.id, r]));
    for (const s of [...this.streams]) {
      const u = rows.get(s.userId);
      const reason = !u || u.deleted ? 'deleted' : u.banned ? 'banned' : u.role === 'reader' ? 'role' : null;
      if (!reason) continue;
      this.write(s, frame('revoked', { reason }));
      this.end(s);
    }
  }

  private startTimers(): void {
    if (this.standingTimer) return;
    this.standingTimer = setInterval(() => {
      this.work = this.work
        .then(() => this.checkStanding())
        .catch((err: unknown) => this.logger.warn({ msg: 'staff standing check failed', error: (err as Error).message }));
    }, STANDING_EVERY_MS);
    this.standingTimer.unref();
    this.heartbeatTimer = setInterval(
      () => {
        for (const s of this.streams) if (s.out.idle) this.write(s, ':\n\n');
      },
      this.config.get('SSE_HEARTBEAT_SECONDS') * 1000,
    );
    this.heartbeatTimer.unref();
    this.countsTimer = setInterval(() => {
      this.work = this.work
        .then(() => this.sendCounts())
        .catch((err: unknown) => this.logger.warn({ msg: 'staff counts could not be read', error: (err as Error).message }));
    }, COUNTS_EVERY_MS);
    this.countsTimer.unref();
  }

  /** The counts, to every stream, when they changed since last sent. */
  private async sendCounts(): Promise<void> {
    if (!this.streams.size) return;
    const counts = await this.counts();
    const text = JSON.stringify(counts);
    if (text === this.lastCounts) return;
    this.lastCounts = text;
    for (const s of this.streams) this.write(s, frame('counts', counts));
  }

  private stopTimers(): void {
    clearInterval(this.standingTimer);
    clearInterval(this.heartbeatTimer);
    clearInterval(this.countsTimer);
    this.standingTimer = undefined;
    this.heartbeatTimer = undefined;
    this.countsTimer = undefined;
  }

  private write(s: StaffStream, f: Buffer | string): void {
    if (!s.closed) s.out.write(f);
  }

  private end(s: StaffStream): void {
    // A stream whose client does not read would hold the end up: the writer cuts it instead.
    s.out.end();
    this.remove(s);
  }

  private remove(s: StaffStream): void {
    s.closed = true;
    if (!this.streams.delete(s)) return;
    if (!this.streams.size) {
      this.stopTimers();
      this.lastCounts = '';
    }
  }
}
