import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { articleNotFound, ArticlesService } from '../articles/articles.service.js';
import { isSlug } from '../common/validation/slug.js';
import { AppError } from '../common/errors/app-error.js';
import { clientIpKey } from '../common/rate-limit/client-ip.js';
import { sseFrame as frame, SseWriter, type SseWriterLimits } from '../common/sse-writer.js';
import { AppConfig } from '../config/app-config.js';
import { one, run } from '../database/sql.js';
import { DomainEventListener, type DomainEventSink } from '../events/domain-event-listener.js';
import { type CommentEventData, type CountEventData, type DomainEventRow, EVENT_WITHIN, EVENTS_AFTER } from '../events/domain-events.js';
import { PrismaService } from '../prisma/prisma.service.js';

/** `article`: one article's counts and comments; `counts`: many articles' counts (listing pages). */
export type StreamKind = 'article' | 'counts';

interface Stream {
  kind: StreamKind;
  out: SseWriter;
  ip: string;
  /** article id → slug */
  articles: Map<string, string>;
  /** Frames that arrived while the stream was being set up (resume, first counts); null once it is live. */
  held: { id: string; frame: Buffer }[] | null;
  closed: boolean;
}

/** Events a resume may replay; more means the client is asked to reload instead. */
const MAX_REPLAY = 500;
/** Frames held for a stream while it is being set up, before it is dropped as hopeless (a bulk decision of 500 is 501 events; the frames are shared). */
const MAX_HELD = 2_000;
/** Encoded frames of recent events, shared by the streams that send them (live and replayed). */
const FRAME_CACHE = 2_000;

/**
 * What a domain event means for an article stream: a `comment` that became visible (or was edited, featured or
 * unfeatured while visible) or a `comment-removed`.
 */
function commentFrame(e: DomainEventRow): Buffer | undefined {
  const d = e.data as unknown as CommentEventData;
  if (d.visibleDelta === 1 || (d.visible && d.visibleDelta === 0 && (e.type === 'comment.updated' || e.type === 'comment.featured')))
    return frame('comment', JSON.stringify(d.comment), e.id);
  if (d.visibleDelta === -1) return frame('comment-removed', JSON.stringify({ id: d.comment.id }), e.id);
  return undefined;
}

/** `comment.reacted` → `reactions` `{ id, reactions }`. Without an SSE id: a throttled frame may be sent after newer events. */
function reactionsFrame(e: DomainEventRow): Buffer {
  const d = e.data as { comment: { id: string; reactions: Record<string, number> } };
  return frame('reactions', JSON.stringify({ id: d.comment.id, reactions: d.comment.reactions }));
}

/** At most one `reactions` frame per comment in this window (the first at once, the latest at its end). */
const REACTIONS_THROTTLE_MS = 1_000;

function countFrame(e: DomainEventRow): Buffer {
  const d = e.data as unknown as CountEventData;
  return frame('count', JSON.stringify({ slug: d.article.slug, count: d.count }), e.id);
}

/**
 * Live updates over Server-Sent Events (README "Live updates"). Every instance LISTENs for committed domain events
 * (DomainEventListener) and writes them to its own subscribers: `count` to every stream of that article,
 * `comment` and `comment-removed` to article streams. Each stream is written at the pace its client reads
 * (SseWriter): a burst waits as shared frames until the socket drains, and only a client that fails to drain for
 * SSE_STALL_SECONDS, or lets more than SSE_MAX_BUFFERED_BYTES pile up, is dropped (its browser reconnects and
 * resumes; a replay too large to send is collapsed into `reset` and the counts). Streams are
 * limited per instance and per client address, get a heartbeat comment every SSE_HEARTBEAT_SECONDS, and are ended
 * when the service stops (before the HTTP server closes, so they never hold the shutdown up).
 */
@Injectable()
export class LiveStreamsService implements DomainEventSink, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LiveUpdates');
  private readonly streams = new Set<Stream>();
  private readonly byArticle = new Map<string, Set<Stream>>();
  private readonly perIp = new Map<string, number>();
  /** Streams open or being opened (the limits count both). */
  private reserved = 0;
  private subscribed?: string[];
  private closing = false;
  private heartbeat?: NodeJS.Timeout;
  private readonly limits: SseWriterLimits;
  private readonly frames = new Map<string, Buffer>();
  /** Comments whose `reactions` frame was sent less than REACTIONS_THROTTLE_MS ago, with the latest event held back. */
  private readonly reactionWindows = new Map<string, { latest?: DomainEventRow; timer: NodeJS.Timeout }>();

  constructor(
    private readonly listener: DomainEventListener,
    private readonly articles: ArticlesService,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {
    this.limits = { maxBuffered: config.get('SSE_MAX_BUFFERED_BYTES'), stallMs: config.get('SSE_STALL_SECONDS') * 1000 };
  }

  onModuleInit(): void {
    this.listener.attach(this);
    this.heartbeat = setInterval(
      () => {
        // A stream with data waiting needs no heartbeat (and must not grow).
        for (const s of this.streams) if (!s.held && s.out.idle) s.out.write(':\n\n');
      },
      this.config.get('SSE_HEARTBEAT_SECONDS') * 1000,
    );
    this.heartbeat.unref();
  }

  /** Runs before the HTTP server closes: end every stream at once, so none holds the shutdown up. */
  onModuleDestroy(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const w of this.reactionWindows.values()) clearTimeout(w.timer);
    this.reactionWindows.clear();
    const open = this.streams.size;
    for (const s of [...this.streams]) {
      // A stream with unsent data would wait for a slow reader before closing: cut it instead.
      s.out.end();
      this.remove(s);
    }
    if (open) this.logger.log({ msg: 'closed live-update streams for shutdown', streams: open });
  }

  /** Open streams on this instance (health, tests). */
  get size(): number {
    return this.streams.size;
  }

  /** DomainEventSink: the articles someone here listens to. */
  articleIds(): string[] {
    this.subscribed ??= [...this.byArticle.keys()];
    return this.subscribed;
  }

  /** DomainEventSink: committed events, in commit order. */
  deliver(events: DomainEventRow[]): void {
    for (const e of events) {
      const streams = e.articleId ? this.byArticle.get(e.articleId) : undefined;
      if (!streams?.size) continue;
      if (e.type === 'comment.reacted') {
        this.throttleReaction(e);
        continue;
      }
      const f = this.eventFrame(e);
      if (!f) continue;
      const forAll = e.type === 'article.comment_count.changed';
      for (const s of streams) if (forAll || s.kind === 'article') this.send(s, e.id, f);
    }
  }

  /**
   * Reactions can come hundreds a second on a popular comment: a stream gets the counts at once, then at most once
   * per REACTIONS_THROTTLE_MS per comment (the latest counts at the end of the window; nothing is lost but
   * intermediate counts).
   */
  private throttleReaction(e: DomainEventRow): void {
    const id = (e.data as { comment: { id: string } }).comment.id;
    const open = this.reactionWindows.get(id);
    if (open) {
      open.latest = e;
      return;
    }
    const f = reactionsFrame(e);
    for (const s of (e.articleId && this.byArticle.get(e.articleId)) || []) if (s.kind === 'article') this.send(s, e.id, f);
    const timer = setTimeout(() => {
      const latest = this.reactionWindows.get(id)?.latest;
      this.reactionWindows.delete(id);
      if (latest) this.throttleReaction(latest);
    }, REACTIONS_THROTTLE_MS);
    timer.unref();
    this.reactionWindows.set(id, { timer });
  }

  /** DomainEventSink: events may have been missed; article streams reload, every stream gets fresh counts. */
  resync(): void {
    const streams = [...this.streams].filter((s) => !s.held);
    void this.articles
      .streamArticles([...new Set(streams.flatMap((s) => [...s.articles.values()]))])
      .then((rows) => {
        for (const s of streams) {
          if (s.kind === 'article') this.write(s, frame('reset', '{"reason":"missed-events"}'));
          for (const r of rows) if (s.articles.has(r.id)) this.write(s, frame('count', JSON.stringify({ slug: r.slug, count: r.count })));
        }
      })
      .catch((err: unknown) => this.logger.warn({ msg: 'could not resend counts after missed events', error: (err as Error).message }));
  }

  /**
   * Opens a stream: checks the limits, subscribes (holding live events), reads what the client missed (Last-Event-ID)
   * and the current counts, then answers 200 text/event-stream and writes the replay, the counts and the held
   * events, in that order. Until the 200 is written every failure is an ordinary error response.
   */
  async open(req: FastifyRequest, reply: FastifyReply, kind: StreamKind, slugs: string[], lastEventId?: string): Promise<void> {
    const ip = clientIpKey(req.ip);
    this.reserve(ip);
    let stream: Stream | undefined;
    let gone = false;
    const onClose = () => {
      gone = true;
      if (stream) this.remove(stream);
    };
    reply.raw.once('close', onClose);
    try {
      const known = (await this.articles.streamArticles(slugs.filter(isSlug))).sort((a, b) => a.slug.localeCompare(b.slug));
      if (kind === 'article' && !known.length) throw articleNotFound(slugs[0] ?? '');
      if (gone) return this.release(ip); // the client left while we looked
      const s: Stream = {
        kind,
        out: new SseWriter(reply.raw, this.limits, (reason) => this.dropped(s, reason)),
        ip,
        articles: new Map(known.map((a) => [a.id, a.slug])),
        held: [],
        closed: false,
      };
      stream = s;
      this.subscribe(stream);
      const replay =
        lastEventId && known.length ? await this.replay(stream, lastEventId) : { frames: [], ids: new Set<string>(), reset: false };
      // Read after subscribing: a change committed since is either in these counts or in the held events.
      const counts = new Map((await this.articles.streamArticles([...stream.articles.values()])).map((a) => [a.slug, a.count]));
      if (gone) return; // removed by onClose
      if (this.closing || stream.closed)
        throw new AppError('SERVICE_UNAVAILABLE', 'The service is shutting down; reconnect', undefined, { 'retry-after': '1' });
      this.start(req, reply, stream);
      for (const f of replay.frames) this.write(stream, f);
      if (replay.reset) this.write(stream, frame('reset', '{"reason":"resume-window"}'));
      for (const slug of kind === 'article' ? [...stream.articles.values()] : slugs)
        this.write(stream, frame('count', JSON.stringify({ slug, count: counts.get(slug) ?? 0 })));
      const held = stream.held ?? [];
      stream.held = null;
      for (const h of held) if (!replay.ids.has(h.id)) this.write(stream, h.frame);
    } catch (err) {
      if (stream) this.remove(stream);
      else this.release(ip);
      if (reply.raw.headersSent) {
        this.logger.warn({ msg: 'live-update stream failed while starting', error: (err as Error).message });
        reply.raw.destroy();
        return;
      }
      throw err;
    }
  }

  private reserve(ip: string): void {
    if (this.closing)
      throw new AppError('SERVICE_UNAVAILABLE', 'The service is shutting down; reconnect', undefined, { 'retry-after': '1' });
    const max = this.config.get('SSE_MAX_STREAMS');
    if (this.reserved >= max) {
      throw new AppError('STREAMS_AT_CAPACITY', `This instance already serves ${max} live-update streams; retry shortly`, undefined, {
        'retry-after': '10',
      });
    }
    const n = this.perIp.get(ip) ?? 0;
    const perIp = this.config.get('SSE_MAX_STREAMS_PER_IP');
    if (n >= perIp) {
      throw new AppError('TOO_MANY_STREAMS', `This address already holds ${perIp} live-update streams; close one first`, undefined, {
        'retry-after': '30',
      });
    }
    this.perIp.set(ip, n + 1);
    this.reserved++;
  }

  private release(ip: string): void {
    this.reserved--;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n > 0) this.perIp.set(ip, n);
    else this.perIp.delete(ip);
  }

  private subscribe(s: Stream): void {
    this.streams.add(s);
    for (const id of s.articles.keys()) {
      let set = this.byArticle.get(id);
      if (!set) this.byArticle.set(id, (set = new Set()));
      set.add(s);
    }
    this.subscribed = undefined;
  }

  private remove(s: Stream): void {
    if (!this.streams.delete(s)) return;
    s.closed = true;
    for (const id of s.articles.keys()) {
      const set = this.byArticle.get(id);
      set?.delete(s);
      if (set?.size === 0) this.byArticle.delete(id);
    }
    this.subscribed = undefined;
    this.release(s.ip);
  }

  /**
   * Events after `lastEventId` for a resuming client, or `reset` when that point is unknown or too far back, or the
   * replay too large to send (more than MAX_REPLAY events, or half of SSE_MAX_BUFFERED_BYTES): the page reloads
   * its comments instead, which is one request rather than megabytes per reconnecting reader.
   */
  private async replay(s: Stream, lastEventId: string): Promise<{ frames: Buffer[]; ids: Set<string>; reset: boolean }> {
    const none = { frames: [], ids: new Set<string>() };
    const window = this.config.get('SSE_RESUME_WINDOW_SECONDS');
    if (!/^\d{1,18}$/.test(lastEventId)) return { ...none, reset: s.kind === 'article' };
    const point = await one(this.prisma.pool, EVENT_WITHIN, [lastEventId, window]);
    if (!point?.within) return { ...none, reset: s.kind === 'article' };
    const events = await run(this.prisma.pool, EVENTS_AFTER, [[...s.articles.keys()], lastEventId, window, MAX_REPLAY + 1]);
    if (events.length > MAX_REPLAY) return { ...none, reset: s.kind === 'article' };
    const frames: Buffer[] = [];
    let bytes = 0;
    for (const e of events) {
      const f = e.type === 'article.comment_count.changed' || s.kind === 'article' ? this.eventFrame(e) : undefined;
      if (!f) continue;
      frames.push(f);
      bytes += f.length;
    }
    if (bytes > this.limits.maxBuffered / 2) return { ...none, reset: s.kind === 'article' };
    return { frames, ids: new Set(events.map((e) => e.id)), reset: false };
  }

  /** The frame of an event (a count, or a comment change for article streams), encoded once for every stream. */
  private eventFrame(e: DomainEventRow): Buffer | undefined {
    const cached = this.frames.get(e.id);
    if (cached) return cached;
    const f = e.type === 'article.comment_count.changed' ? countFrame(e) : e.type.startsWith('comment.') ? commentFrame(e) : undefined;
    if (!f) return undefined;
    this.frames.set(e.id, f);
    if (this.frames.size > FRAME_CACHE) this.frames.delete(this.frames.keys().next().value!);
    return f;
  }

  /** 200 text/event-stream, with the headers the request pipeline set (security, CORS, rate limits). */
  private start(req: FastifyRequest, reply: FastifyReply, s: Stream): void {
    void reply.hijack();
    const headers: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
    s.out.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // nginx: pass each event on at once instead of buffering the response.
      'x-accel-buffering': 'no',
    });
    req.raw.socket.setNoDelay(true);
    // Reconnect after 2-5 s: spread out, so an instance going away does not bring all its clients back at once.
    this.write(s, `retry: ${2000 + Math.floor(Math.random() * 3000)}\n\n`);
  }

  private send(s: Stream, id: string, f: Buffer): void {
    if (s.closed) return;
    if (s.held) {
      if (s.held.length >= MAX_HELD) this.drop(s, 'too many events while starting');
      else s.held.push({ id, frame: f });
      return;
    }
    this.write(s, f);
  }

  private write(s: Stream, f: Buffer | string): void {
    if (!s.closed) s.out.write(f);
  }

  /** The writer closed a stream whose client does not read (it reconnects and resumes). */
  private dropped(s: Stream, reason: string): void {
    this.logger.debug({ msg: 'dropped a live-update stream', reason, ip: s.ip });
    this.remove(s);
  }

  private drop(s: Stream, reason: string): void {
    this.logger.debug({ msg: 'dropped a live-update stream', reason, ip: s.ip });
    s.closed = true;
    if (s.out.res.headersSent) s.out.destroy();
    this.remove(s);
  }
}
