import { connect } from 'node:net';
import pg from 'pg';
import { DomainEventListener } from '../../../src/events/domain-event-listener.js';
import { COMMENT_MAX_LENGTH } from '../../../src/comments/dto/create-comment.dto.js';
import { LiveStreamsService } from '../../../src/live/live-streams.service.js';
import { BULK_MAX_IDS } from '../../../src/moderation/dto/decision.dto.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { json, listen, SseClient, type SseEvent } from '../../helpers/sse.js';
import { authHeader, createArticle, createUser, type TestUser } from '../../factories/index.js';

/**
 * Live updates over Server-Sent Events on one instance (test/e2e/platform/scale-out.e2e-spec.ts covers several): what a reader's
 * page receives, resuming, the limits, slow clients, heartbeats, CORS, shutdown and a lost listener connection.
 */

let t: TestApp;
let base: string;
let admin: TestUser;
let reader: TestUser;
const clients: SseClient[] = [];

const post = async (slug: string, body: string) =>
  (await t.http.post(`/api/articles/${slug}/comments`).set(authHeader(reader)).send({ body }).expect(201)).body.comment.id as string;
const decide = (id: string, status: string) =>
  t.http.patch(`/api/admin/comments/${id}`).set(authHeader(admin)).send({ status }).expect(200);

async function open(path: string, headers: Record<string, string> = {}, at = base): Promise<SseClient> {
  const c = await SseClient.open(`${at}${path}`, headers);
  clients.push(c);
  return c;
}

const isCount = (slug: string, count: number) => (e: SseEvent) => e.event === 'count' && json(e).slug === slug && json(e).count === count;

beforeAll(async () => {
  t = await startTestApp();
  base = await listen(t.app);
  [admin, reader] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t)]);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await t.close();
});

describe('GET /api/articles/:slug/events', () => {
  it('should send the current count, then comments that become visible and leave, with the new counts, in order', async () => {
    const a = await createArticle(t);
    const first = await post(a.slug, 'Вече одобрен');
    await decide(first, 'approved');
    const es = await open(`/api/articles/${a.slug}/events`);
    expect(es.status).toBe(200);
    expect(es.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(es.headers['cache-control']).toBe('no-store');
    expect(es.headers['x-accel-buffering']).toBe('no');
    expect(es.retry).toBeGreaterThanOrEqual(2000);
    const initial = await es.next();
    expect(initial).toMatchObject({ event: 'count', id: undefined });
    expect((await t.http.get('/api/health').expect(200)).body.checks.liveUpdates).toEqual({ status: 'up', streams: expect.any(Number) });
    expect(t.app.get(LiveStreamsService).size).toBeGreaterThanOrEqual(1);
    expect(json(initial)).toEqual({ slug: a.slug, count: 1 });

    const id = await post(a.slug, 'Нов коментар на живо');
    await decide(id, 'approved');
    const comment = await es.next((e) => e.event === 'comment');
    expect(json(comment)).toMatchObject({
      id,
      body: 'Нов коментар на живо',
      status: 'approved',
      author: { id: reader.id, username: reader.username },
    });
    expect(json(comment)).toEqual((await t.http.get(`/api/comments/${id}`).expect(200)).body.comment);
    const count = await es.next(isCount(a.slug, 2));
    expect(BigInt(count.id!)).toBeGreaterThan(BigInt(comment.id!));

    await decide(first, 'rejected');
    const removed = await es.next((e) => e.event === 'comment-removed');
    expect(json(removed)).toEqual({ id: first });
    await es.next(isCount(a.slug, 1));
    // A pending comment is never announced: nothing but these events arrived.
    expect(es.events.map((e) => e.event)).toEqual(['count', 'comment', 'count', 'comment-removed', 'count']);
  });

  it('should send an edit of a visible comment, and a removal when the author deletes it', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const es = await open(`/api/articles/${a.slug}/events`);
    const id = await post(a.slug, 'Пост-модериран');
    await es.next((e) => e.event === 'comment' && json(e).id === id);
    await t.http.patch(`/api/comments/${id}`).set(authHeader(reader)).send({ body: 'Пост-модериран, поправен' }).expect(200);
    const edited = await es.next((e) => e.event === 'comment' && json(e).body === 'Пост-модериран, поправен');
    expect(json(edited)).toMatchObject({ id, editedAt: expect.any(String) });
    await t.http.delete(`/api/comments/${id}`).set(authHeader(reader)).expect(204);
    await es.next((e) => e.event === 'comment-removed' && json(e).id === id);
    await es.next(isCount(a.slug, 0));
  });

  it('should answer 404 ARTICLE_NOT_FOUND for an unknown or malformed slug', async () => {
    const missing = await open('/api/articles/nyama-takava-statia-nikyde/events');
    expect(missing.status).toBe(404);
    await missing.whenEnded();
    expect(JSON.parse(missing.text).error.code).toBe('ARTICLE_NOT_FOUND');
    const malformed = await open('/api/articles/Not%20A%20Slug/events');
    expect(malformed.status).toBe(404);
  });

  it('should replay what was missed after Last-Event-ID, and ask for a reload when that point is unknown', async () => {
    const a = await createArticle(t);
    const es = await open(`/api/articles/${a.slug}/events`);
    const c1 = await post(a.slug, 'Първи');
    await decide(c1, 'approved');
    const seen = await es.next(isCount(a.slug, 1));
    es.close();
    const c2 = await post(a.slug, 'Втори');
    await decide(c2, 'approved');
    await decide(c1, 'rejected');

    const resumed = await open(`/api/articles/${a.slug}/events`, { 'last-event-id': seen.id! });
    await resumed.next(isCount(a.slug, 1), 5_000, 3);
    expect(resumed.events.map((e) => [e.event, e.event === 'count' ? json(e).count : json(e).id, e.id !== undefined])).toEqual([
      ['comment', c2, true],
      ['count', 2, true],
      ['comment-removed', c1, true],
      ['count', 1, true],
      ['count', 1, false], // the current count, after the replay
    ]);

    const lost = await open(`/api/articles/${a.slug}/events`, { 'last-event-id': '999999999999999999' });
    await lost.next((e) => e.event === 'count');
    expect(lost.events.map((e) => e.event)).toEqual(['reset', 'count']);
    expect(json(lost.events[0]!)).toEqual({ reason: 'resume-window' });
  });

  it('should send heartbeat comments, and let cross-origin pages in like the other public routes', async () => {
    const other = await startTestApp({ SSE_HEARTBEAT_SECONDS: '1', CORS_ORIGINS: 'https://www.example.bg' });
    try {
      const url = await listen(other.app);
      const a = await createArticle(t);
      const es = await open(`/api/articles/${a.slug}/events`, { origin: 'https://www.example.bg' }, url);
      expect(es.headers['access-control-allow-origin']).toBe('https://www.example.bg');
      await es.next();
      for (let i = 0; i < 60 && es.heartbeats < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(es.heartbeats).toBeGreaterThanOrEqual(2);
      const foreign = await open(`/api/articles/${a.slug}/events`, { origin: 'https://evil.example' }, url);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('GET /api/comments/counts/events', () => {
  it('should send every requested count first, then only count changes of those articles', async () => {
    const [a, b, c] = [await createArticle(t), await createArticle(t), await createArticle(t)];
    const es = await open(`/api/comments/counts/events?articles=${a.slug},${b.slug},nyama-takava`);
    await es.next((e) => json(e).slug === 'nyama-takava');
    expect(es.events.map((e) => json(e))).toEqual([a.slug, b.slug, 'nyama-takava'].map((slug) => ({ slug, count: 0 })));
    const inC = await post(c.slug, 'В друга статия');
    await decide(inC, 'approved');
    const inB = await post(b.slug, 'В статия Б');
    await decide(inB, 'approved');
    const changed = await es.next(isCount(b.slug, 1));
    expect(changed.id).toMatch(/^\d+$/);
    expect(es.events.slice(3).map((e) => e.event)).toEqual(['count']); // no comment events, nothing about C
  });

  it('should take the slug rules of the bulk counts (1..100)', async () => {
    const none = await open('/api/comments/counts/events?articles=');
    expect(none.status).toBe(400);
    const many = await open(`/api/comments/counts/events?articles=${Array.from({ length: 101 }, (_, i) => `s${i}`).join(',')}`);
    expect(many.status).toBe(400);
    await many.whenEnded();
    expect(JSON.parse(many.text).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('limits', () => {
  it('should refuse streams beyond SSE_MAX_STREAMS_PER_IP (429) and SSE_MAX_STREAMS (503), and count closed ones out', async () => {
    const small = await startTestApp({ SSE_MAX_STREAMS: '3', SSE_MAX_STREAMS_PER_IP: '2', TRUST_PROXY: '1' });
    try {
      const url = await listen(small.app);
      const a = await createArticle(t);
      const path = `/api/articles/${a.slug}/events`;
      const one = await open(path, { 'x-forwarded-for': '198.51.100.1' }, url);
      await open(path, { 'x-forwarded-for': '198.51.100.1' }, url);
      const third = await open(path, { 'x-forwarded-for': '198.51.100.1' }, url);
      expect(third.status).toBe(429);
      await third.whenEnded();
      expect(JSON.parse(third.text).error.code).toBe('TOO_MANY_STREAMS');
      expect(third.headers['retry-after']).toMatch(/^\d+$/);
      await open(path, { 'x-forwarded-for': '198.51.100.2' }, url);
      const full = await open(path, { 'x-forwarded-for': '198.51.100.3' }, url);
      expect(full.status).toBe(503);
      await full.whenEnded();
      expect(JSON.parse(full.text).error.code).toBe('STREAMS_AT_CAPACITY');
      // Closing one frees its place.
      one.close();
      const streams = small.app.get(LiveStreamsService);
      for (let i = 0; i < 50 && streams.size > 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await open(path, { 'x-forwarded-for': '198.51.100.1' }, url)).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  /** `count` pending comments of `length` characters on `slug`, approved in one bulk decision; their ids. */
  async function bulkApprove(articleId: string, count: number, length: number): Promise<string[]> {
    const body = 'Дълъг коментар за бърза поредица. '.repeat(Math.ceil(length / 34)).slice(0, length);
    const created = await t.prisma.comment.createManyAndReturn({
      data: Array.from({ length: count }, () => ({ articleId, authorId: reader.id, body })),
      select: { id: true },
    });
    const ids = created.map((c) => c.id);
    const res = await t.http.post('/api/admin/comments/bulk').set(authHeader(admin)).send({ ids, status: 'approved' }).expect(200);
    expect(res.body.applied).toBe(count);
    return ids;
  }
  const commentIds = (c: SseClient) => new Set(c.events.filter((e) => e.event === 'comment').map((e) => json(e).id as string));

  it('should deliver a bulk approval of 100 long comments to 20 readers without dropping one, and replay it on resume at once', async () => {
    // All frames of a burst used to be written in one tick, so the socket's buffer passed SSE_MAX_BUFFERED_BYTES
    // however fast the client read: every reader was dropped, and every resume from before the burst too.
    const a = await createArticle(t);
    const readers = await Promise.all(Array.from({ length: 20 }, () => open(`/api/articles/${a.slug}/events`)));
    const first = await post(a.slug, 'Преди поредицата');
    await decide(first, 'approved');
    // Where a reader that saw this comment would resume from.
    const before = (await readers[0]!.next(isCount(a.slug, 1))).id!;
    // Let the burst's event ids cross a power of ten ('9999' < '10000' only as numbers): events are sent in log order.
    await t.prisma
      .$executeRaw`SELECT setval(pg_get_serial_sequence('domain_events', 'id'), (SELECT 10 ^ ceil(log(max(id) + 100)) - 50 FROM domain_events)::bigint)`;
    const ids = await bulkApprove(a.id, 100, 2_400);
    await Promise.all(readers.map((r) => r.next(isCount(a.slug, 101), 20_000)));
    const inLogOrder = (c: SseClient) => {
      const sent = c.events.filter((e) => e.id !== undefined).map((e) => BigInt(e.id!));
      return sent.every((id, i) => i === 0 || id > sent[i - 1]!);
    };
    for (const r of readers) {
      expect(r.ended).toBe(false);
      expect(commentIds(r)).toEqual(new Set([first, ...ids]));
      expect(inLogOrder(r)).toBe(true);
    }
    expect(t.app.get(LiveStreamsService).size).toBeGreaterThanOrEqual(20);

    const started = performance.now();
    const resumed = await open(`/api/articles/${a.slug}/events`, { 'last-event-id': before });
    expect(resumed.status).toBe(200);
    // The replay ends with the last count (with an id), then the current count (without).
    await resumed.next((e) => isCount(a.slug, 101)(e) && e.id === undefined, 10_000);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(commentIds(resumed)).toEqual(new Set(ids));
    expect(inLogOrder(resumed)).toBe(true);
    expect(resumed.events.some((e) => e.event === 'reset')).toBe(false);
  });

  it('should deliver a bulk approval of the maximum size to readers that keep reading, and answer a resume from before it with reset and the counts', async () => {
    const a = await createArticle(t);
    const readers = await Promise.all(Array.from({ length: 5 }, () => open(`/api/articles/${a.slug}/events`)));
    await decide(await post(a.slug, 'Преди поредицата'), 'approved');
    const before = (await readers[0]!.next(isCount(a.slug, 1))).id!;
    const ids = await bulkApprove(a.id, BULK_MAX_IDS, COMMENT_MAX_LENGTH);
    await Promise.all(readers.map((r) => r.next(isCount(a.slug, BULK_MAX_IDS + 1), 25_000)));
    for (const r of readers) {
      expect(r.ended).toBe(false);
      expect(commentIds(r).size).toBe(ids.length + 1);
    }
    // Too much to replay (more than 500 events): the page reloads instead, told at once.
    const resumed = await open(`/api/articles/${a.slug}/events`, { 'last-event-id': before });
    await resumed.next(isCount(a.slug, BULK_MAX_IDS + 1), 10_000);
    expect(resumed.events.map((e) => e.event)).toEqual(['reset', 'count']);
  });

  it.each([
    ['more than SSE_MAX_BUFFERED_BYTES wait', { SSE_MAX_BUFFERED_BYTES: '1024' }],
    ['nothing drained for SSE_STALL_SECONDS', { SSE_STALL_SECONDS: '1' }],
  ])('should drop a client that stops reading once %s', async (_, env) => {
    const small = await startTestApp(env);
    try {
      const url = new URL(await listen(small.app));
      const a = await createArticle(t);
      // A client that sends its request and never reads a byte.
      const socket = connect(Number(url.port), '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(`GET /api/articles/${a.slug}/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
      socket.pause();
      const streams = small.app.get(LiveStreamsService);
      for (let i = 0; i < 100 && streams.size === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(streams.size).toBe(1);
      // Large visible comments until the socket's buffers are full and more than 1 KiB waits in the process.
      const body = 'Дълъг коментар. '.repeat(300);
      const author = await t.prisma.user.findUniqueOrThrow({ where: { id: reader.id } });
      for (let round = 0; round < 20 && streams.size > 0; round++) {
        const created = await t.prisma.comment.createManyAndReturn({
          data: Array.from({ length: 200 }, () => ({ articleId: a.id, authorId: author.id, body })),
          select: { id: true },
        });
        await t.http
          .post('/api/admin/comments/bulk')
          .set(authHeader(admin))
          .send({ ids: created.map((c) => c.id), status: 'approved' })
          .expect(200);
        for (let i = 0; i < 25 && streams.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
      }
      expect(streams.size).toBe(0);
      socket.destroy();
    } finally {
      await small.close();
    }
  });
});

describe('shutdown and reconnection', () => {
  it('should end open streams at once when the service stops', async () => {
    const other = await startTestApp();
    const url = await listen(other.app);
    const a = await createArticle(t);
    const es = await open(`/api/articles/${a.slug}/events`, {}, url);
    await es.next();
    const started = performance.now();
    await other.close();
    await es.whenEnded(2_000);
    // Well under the time a stream would otherwise hold the close (keep-alive or heartbeat: 20 s and more).
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('should deliver what committed while its listener was away even when other changes keep committing', async () => {
    // On a busy site other changes commit all the time; their notifications arrive while the listener reconnects,
    // and used to move the catch-up's starting point past what it had missed. Here 8 sessions announce the newest
    // event id as fast as they can, standing in for that traffic.
    const a = await createArticle(t);
    const es = await open(`/api/articles/${a.slug}/events`);
    await es.next();
    const listener = t.app.get(DomainEventListener);
    const admin_ = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin_.connect();
    let running = true;
    const traffic = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (running)
          await t.prisma.$executeRaw`SELECT pg_notify('domain_events', (SELECT coalesce(max(id), 0) FROM domain_events)::text)`;
      }),
    );
    try {
      await admin_.query('SELECT pg_terminate_backend($1)', [listener.backendPid]);
      const id = await post(a.slug, 'Докато слушателят липсва, а другите пишат');
      await decide(id, 'approved');
      await es.next((e) => e.event === 'comment' && json(e).id === id, 10_000);
      await es.next(isCount(a.slug, 1));
    } finally {
      running = false;
      await traffic;
      await admin_.end();
    }
  });

  it('should keep delivering after its listener connection is cut, including what committed meanwhile', async () => {
    const a = await createArticle(t);
    const es = await open(`/api/articles/${a.slug}/events`);
    await es.next();
    const listener = t.app.get(DomainEventListener);
    const admin_ = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin_.connect();
    try {
      const cut = await admin_.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [listener.backendPid]);
      expect(cut.rows[0]?.ok).toBe(true);
      // Committed while the listener may be away: arrives after it reconnects (catch-up from the log).
      const id = await post(a.slug, 'Докато слушателят липсва');
      await decide(id, 'approved');
      await es.next((e) => e.event === 'comment' && json(e).id === id, 10_000);
      await es.next(isCount(a.slug, 1));
    } finally {
      await admin_.end();
    }
  });
});
