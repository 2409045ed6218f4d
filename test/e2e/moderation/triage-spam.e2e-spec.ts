import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createUser, type TestUser } from '../../factories/index.js';

/**
 * A spam service (src/triage/spam-service.ts, Akismet's API) in front of posting: a local fake Akismet (node:http)
 * that answers by a word in the comment. Spam is held, blatant spam refused, an outage or a slow answer never holds
 * nor delays posting beyond SPAM_CHECK_TIMEOUT_MS; a moderator's override is reported (submit-ham / submit-spam).
 * The client's address and user agent are kept encrypted, for the service only. Global configuration: a database of
 * its own.
 */
interface Call {
  method: string;
  form: URLSearchParams;
}

let db: ScratchDatabase;
let t: TestApp;
let server: http.Server;
let base: string;
const calls: Call[] = [];
let moderator: TestUser;
let author: TestUser;
let seq = 0;

const UA = 'Mozilla/5.0 (X11; Linux x86_64) triage-spam-test';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(raw);
      const method = req.url!.replace('/1.1/', '');
      calls.push({ method, form });
      if (form.get('api_key') !== 'test-key') return void res.writeHead(200).end('invalid');
      if (method !== 'comment-check') return void res.writeHead(200).end('Thanks for making the web a better place.');
      const text = form.get('comment_content') ?? '';
      if (text.includes('[slow]')) return void setTimeout(() => !res.destroyed && res.writeHead(200).end('true'), 1500);
      if (text.includes('[down]')) return void res.destroy();
      if (text.includes('[discard]')) return void res.writeHead(200, { 'X-akismet-pro-tip': 'discard' }).end('true');
      res.writeHead(200).end(text.includes('[spam]') ? 'true' : 'false');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  db = await scratchDatabase('spam', { migrated: true });
  t = await startTestApp({
    DATABASE_URL: db.url,
    SEED_ARTICLE: 'false',
    AKISMET_KEY: 'test-key',
    AKISMET_SITE: 'https://www.dnevnik-example.bg',
    AKISMET_URL: base,
    SPAM_CHECK_TIMEOUT_MS: '600',
    COMMENT_CHECK_POLL_MS: '200',
  });
  [moderator, author] = await Promise.all([createUser(t, { role: 'moderator' }), createUser(t)]);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function article(moderation: 'pre' | 'post' = 'post') {
  const slug = `spam-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return t.prisma.article.create({
    data: {
      slug,
      title: `Спам ${seq}`,
      blocks: [{ type: 'paragraph', text: 'x' }],
      publishedAt: new Date(Date.UTC(2001, 0, 1)),
      moderationMode: moderation,
      url: `https://www.dnevnik-example.bg/${slug}`,
    },
    select: { id: true, slug: true },
  });
}

async function post(body: string) {
  const a = await article();
  const res = await t.http
    .post(`/api/articles/${a.slug}/comments`)
    .set(authHeader(author))
    .set('User-Agent', UA)
    .send({ body })
    .expect(201);
  return res.body.comment as { id: string; status: string };
}

const item = async (id: string) =>
  (await t.http.get(`/api/admin/comments/${id}`).set(authHeader(moderator)).expect(200)).body.item as {
    adminComment: { status: string; statusReason: string | null; version: number };
    hold: { source: string; rule: string | null; labels: string[] } | null;
  };
const clientData = (commentId: string) =>
  t.prisma.commentClientData.findUnique({ where: { commentId }, select: { sealed: true, spamVerdict: true, deleteAfter: true } });
const checked = (text: string) => calls.find((c) => c.method === 'comment-check' && c.form.get('comment_content') === text);

describe('a spam service (Akismet)', () => {
  it('should publish what it finds clean, having sent the client and the comment, and keep the client data encrypted', async () => {
    const body = `Съгласен съм с автора ${seq}.`;
    const c = await post(body);
    expect(c.status).toBe('approved');
    const call = checked(body)!;
    expect(call.form.get('blog')).toBe('https://www.dnevnik-example.bg');
    expect(call.form.get('user_agent')).toBe(UA);
    expect(call.form.get('user_ip')).toMatch(/127\.0\.0\.1/);
    expect(call.form.get('comment_type')).toBe('comment');
    expect(call.form.get('permalink')).toMatch(/^https:\/\/www\.dnevnik-example\.bg\/spam-/);
    const row = await clientData(c.id);
    expect(row).toMatchObject({ spamVerdict: 'ham' });
    expect(row!.sealed).not.toContain('127.0.0.1');
    expect(row!.sealed).not.toContain('Mozilla');
    // Kept for the feedback window (SPAM_FEEDBACK_DAYS, 14 by default) after the decision, then deleted.
    const days = (row!.deleteAfter.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThan(14.1);
  });

  it('should hold spam with its source and label, and report a moderator’s approval as ham', async () => {
    const body = `Купете сега [spam] ${seq}`;
    const c = await post(body);
    expect(c.status).toBe('pending');
    const held = await item(c.id);
    expect(held.hold).toMatchObject({ source: 'spam_service', rule: 'akismet', labels: ['spam'] });
    expect(held.adminComment.statusReason).toBe('spam service akismet: spam');
    const queue = await t.http
      .get('/api/admin/comments')
      .set(authHeader(moderator))
      .query({ status: 'pending', holdSource: 'spam_service' })
      .expect(200);
    expect(queue.body.items.map((i: { adminComment: { id: string } }) => i.adminComment.id)).toContain(c.id);

    await t.http.patch(`/api/admin/comments/${c.id}`).set(authHeader(moderator)).send({ status: 'approved' }).expect(200);
    await expect.poll(() => calls.some((k) => k.method === 'submit-ham' && k.form.get('comment_content') === body)).toBe(true);
    const ham = calls.find((k) => k.method === 'submit-ham')!;
    expect(ham.form.get('user_agent')).toBe(UA);
    // Reported: the client data has served its purpose.
    await expect.poll(() => clientData(c.id)).toBeNull();
  });

  it('should report a comment it let through that a moderator marks as spam', async () => {
    const body = `Невинно на вид ${seq}`;
    const c = await post(body);
    expect(c.status).toBe('approved');
    await t.http.patch(`/api/admin/comments/${c.id}`).set(authHeader(moderator)).send({ status: 'spam' }).expect(200);
    await expect.poll(() => calls.some((k) => k.method === 'submit-spam' && k.form.get('comment_content') === body)).toBe(true);
  });

  it('should refuse blatant spam (discard) with an automated statement of reasons', async () => {
    const c = await post(`Казино бонус [discard] ${seq}`);
    expect(c.status).toBe('rejected');
    const mine = await t.http.get(`/api/comments/${c.id}`).set(authHeader(author)).expect(200);
    expect(mine.body.comment.decision).toMatchObject({ automatedDetection: true, automatedDecision: 'AUTOMATED_DECISION_FULLY' });
    expect((await item(c.id)).hold).toMatchObject({ source: 'spam_service', rule: 'akismet', labels: ['spam', 'discard'] });
  });

  it.each([
    ['slow', '[slow]'],
    ['down', '[down]'],
  ])('should not hold nor delay posting beyond the timeout when the service is %s', async (_what, marker) => {
    const started = Date.now();
    const c = await post(`Мнение ${marker} ${seq}`);
    expect(Date.now() - started).toBeLessThan(1400);
    expect(c.status).toBe('approved');
    expect(await clientData(c.id)).toMatchObject({ spamVerdict: null });
    expect(await t.prisma.commentCheck.count({ where: { commentId: c.id } })).toBe(0);
  });
});

describe('the client data of an erased account', () => {
  it('should go with the account at once', async () => {
    const leaving = await createUser(t);
    const a = await article();
    const res = await t.http
      .post(`/api/articles/${a.slug}/comments`)
      .set(authHeader(leaving))
      .set('User-Agent', UA)
      .send({ body: `Последно мнение ${seq}` })
      .expect(201);
    expect(await clientData(res.body.comment.id)).not.toBeNull();
    await t.http.delete('/api/me').set(authHeader(leaving)).send({ password: leaving.password }).expect(200);
    expect(await clientData(res.body.comment.id)).toBeNull();
  });
});
