import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { launchBrowser } from '../../helpers/browser.js';
import { openConsole } from '../../helpers/console.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createUser, postComment, type TestUser } from '../../factories/index.js';
import { freePort } from '../../helpers/net.js';
import { buildDist, serviceEnv, startProcess } from '../../helpers/start-process.js';

/**
 * The publisher's classifier (src/triage/classifier.ts, src/comments/comment-checks.service.ts, docs/triage.md): a
 * local fake (node:http) that verifies the Standard Webhooks signature and answers by a word in the comment. Every
 * comment is stored pending first; the answer publishes, holds (reason and labels in the queue) or refuses it (a
 * statement of reasons from the newsroom's list, marked automated); slow, down or garbage answers hold it. The
 * classifier is global configuration, so the file runs on a database of its own.
 */
const SECRET = `whsec_${Buffer.from('classifier-test-secret-0123456789abcdef').toString('base64')}`;

type Answer = { status?: number; body?: string; delayMs?: number; hang?: boolean };

class FakeClassifier {
  readonly received: { body: string; commentId: string; webhookId: string }[] = [];
  rejected = 0;
  /** TCP connections the service opened to it. */
  connections = 0;
  answer: (body: string) => Answer = () => ({ body: JSON.stringify({ action: 'publish' }) });
  private readonly hanging = new Set<http.ServerResponse>();
  private server: http.Server | null = null;
  port = 0;

  async start(): Promise<this> {
    const verifier = new Webhook(SECRET);
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        let payload: { data: { comment: { id: string; body: string } } };
        try {
          payload = verifier.verify(raw, req.headers as Record<string, string>) as typeof payload;
        } catch {
          this.rejected++;
          res.writeHead(400).end();
          return;
        }
        this.received.push({
          body: payload.data.comment.body,
          commentId: payload.data.comment.id,
          webhookId: String(req.headers['webhook-id']),
        });
        const a = this.answer(payload.data.comment.body);
        if (a.hang) {
          this.hanging.add(res);
          return;
        }
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(a.body ?? '');
        }, a.delayMs ?? 0);
      });
    });
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}/check`;
  }
}

/** Answers by a marker in the comment's text. */
function byMarker(body: string): Answer {
  const json = (o: unknown) => ({ body: JSON.stringify(o) });
  if (body.includes('[hold]'))
    return json({ action: 'hold', reason: 'toxicity 0.91', labels: ['toxicity', 'insult'], model: 'perspective-v2' });
  if (body.includes('[refuse]'))
    return json({ action: 'refuse', reason: 'Спам', explanation: 'Рекламно съобщение.', labels: ['spam'], model: 'spam-v1' });
  if (body.includes('[unknown-reason]')) return json({ action: 'refuse', reason: 'no-such-reason' });
  if (body.includes('[slow]')) return { ...json({ action: 'publish' }), delayMs: 1500 };
  if (body.includes('[garbage]')) return { body: '<html>oops</html>' };
  if (body.includes('[error]')) return { status: 503, body: '{}' };
  if (body.includes('[hang]')) return { hang: true };
  return json({ action: 'publish', labels: ['clean'] });
}

let db: ScratchDatabase;
let t: TestApp;
let fake: FakeClassifier;
let admin: TestUser;
let moderator: TestUser;
let regular: TestUser;
let seq = 0;

const ENV = () => ({
  DATABASE_URL: db.url,
  SEED_ARTICLE: 'false',
  CLASSIFIER_URL: fake.url,
  CLASSIFIER_SECRET: SECRET,
  CLASSIFIER_TIMEOUT_MS: '800',
  CLASSIFIER_ALLOW_PRIVATE_TARGET: 'true',
  COMMENT_CHECK_POLL_MS: '100',
});

async function article(app: TestApp, moderation: 'pre' | 'post' = 'post') {
  const slug = `classifier-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return app.prisma.article.create({
    data: {
      slug,
      title: `Класификатор ${seq}`,
      blocks: [{ type: 'paragraph', text: 'x' }],
      publishedAt: new Date(Date.UTC(2001, 0, 1)),
      moderationMode: moderation,
    },
    select: { id: true, slug: true },
  });
}

const adminItem = async (app: TestApp, id: string) =>
  (await app.http.get(`/api/admin/comments/${id}`).set(authHeader(moderator)).expect(200)).body.item as {
    adminComment: { status: string; statusReason: string | null };
    hold: { source: string; rule: string | null; labels: string[] } | null;
  };

const audit = (app: TestApp, commentId: string) =>
  app.prisma.moderationAction.findMany({
    where: { commentId },
    orderBy: { createdAt: 'asc' },
    select: { action: true, reason: true, toStatus: true },
  });

beforeAll(async () => {
  db = await scratchDatabase('classifier', { migrated: true });
  fake = await new FakeClassifier().start();
  fake.answer = byMarker;
  t = await startTestApp(ENV());
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
  regular = await createUser(t);
  // The default rules hold a new account's links, not its plain text: these comments go to the classifier.
  await t.http
    .post('/api/admin/decision-reasons')
    .set(authHeader(admin))
    .send({
      label: 'Спам',
      appliesTo: ['reject', 'spam'],
      statement: { incompatibleContentGround: 'Правила за коментари, т. 5', incompatibleContentExplanation: 'Реклама или спам.' },
    })
    .expect(201);
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
  await db?.drop();
});

describe('the publisher’s classifier', () => {
  it('should publish what it lets through on a post-moderated article, signed, announcing the comment only once approved', async () => {
    const a = await article(t, 'post');
    const c = await postComment(t, a, regular, { body: 'Добър анализ, благодаря.' });
    expect(c.status).toBe('approved');
    const call = fake.received.find((r) => r.commentId === c.id)!;
    expect(call.webhookId).toMatch(/^chk_/);
    expect(fake.rejected).toBe(0);
    // Stored pending, then approved: the events announce the text only with the approval.
    const events = await t.prisma.domainEvent.findMany({
      where: { data: { path: ['comment', 'id'], equals: c.id } },
      orderBy: { id: 'asc' },
      select: { type: true, data: true },
    });
    expect(events.map((e) => e.type)).toEqual(['comment.created', 'comment.approved']);
    expect((events[0].data as { comment: Record<string, unknown> }).comment).not.toHaveProperty('body');
    expect(await audit(t, c.id)).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'check_publish', toStatus: 'approved' })]),
    );
    expect(await t.prisma.commentCheck.count({ where: { commentId: c.id } })).toBe(0);
    // Without a spam service the client's address and user agent are not kept.
    expect(await t.prisma.commentClientData.count()).toBe(0);
  });

  it('should keep its connection to the classifier for the next comments, one call each', async () => {
    const a = await article(t, 'post');
    await postComment(t, a, regular, { body: 'Първо мнение поред.' });
    const before = { connections: fake.connections, calls: fake.received.length };
    for (const body of ['Второ мнение поред.', 'Трето мнение поред.', 'Четвърто мнение поред.']) {
      expect((await postComment(t, a, regular, { body })).status).toBe('approved');
    }
    expect(fake.received.length - before.calls).toBe(3);
    // One after another: the kept socket carries them all (a fresh connection per call opened three).
    expect(fake.connections - before.connections).toBe(0);
  });

  it('should leave a pre-moderated article’s comment pending when the classifier lets it through', async () => {
    const a = await article(t, 'pre');
    const c = await postComment(t, a, regular, { body: 'Мнение под предварителна модерация.' });
    expect(c.status).toBe('pending');
    expect(await t.prisma.commentCheck.count({ where: { commentId: c.id } })).toBe(0);
  });

  it('should hold with the classifier’s reason and labels, shown in the queue and filterable by source', async () => {
    const a = await article(t, 'post');
    const c = await postComment(t, a, regular, { body: 'Ти си пълен [hold] глупак' });
    expect(c.status).toBe('pending');
    const item = await adminItem(t, c.id);
    expect(item.hold).toMatchObject({ source: 'classifier', rule: 'perspective-v2', labels: ['toxicity', 'insult'] });
    expect(item.adminComment.statusReason).toBe('classifier: toxicity 0.91');
    const queue = await t.http
      .get('/api/admin/comments')
      .set(authHeader(moderator))
      .query({ status: 'pending', article: a.slug, holdSource: 'classifier' })
      .expect(200);
    expect(queue.body.items.map((i: { adminComment: { id: string } }) => i.adminComment.id)).toEqual([c.id]);
    expect(await audit(t, c.id)).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'check_hold', reason: 'classifier: toxicity 0.91 (toxicity, insult)' })]),
    );
  });

  it('should show it in the console’s "held automatically" queue with its source, model, labels and reason', async () => {
    const a = await article(t, 'post');
    const c = await postComment(t, a, regular, { body: 'Друг [hold] коментар за конзолата' });
    const browser = await launchBrowser();
    try {
      const tab = await openConsole(browser, await listen(t), moderator, {
        path: `/admin/queue/flagged?article=${encodeURIComponent(a.slug)}`,
      });
      const card = tab.page.locator(`[data-comment-id="${c.id}"]`);
      await card.waitFor();
      const why = card.locator('.hold');
      await expect.poll(() => why.textContent()).toContain('Класификатор');
      expect(await why.textContent()).toContain('perspective-v2');
      expect(await card.locator('.badge.label').allTextContents()).toEqual(['toxicity', 'insult']);
      expect(await card.locator('.why').textContent()).toContain('classifier: toxicity 0.91');
      expect(tab.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('should refuse with a statement of reasons from the newsroom’s list, marked automated, that the author reads', async () => {
    const a = await article(t, 'post');
    const c = await postComment(t, a, regular, { body: 'Купете евтино [refuse] сега' });
    expect(c.status).toBe('rejected');
    const mine = await t.http.get(`/api/comments/${c.id}`).set(authHeader(regular)).expect(200);
    expect(mine.body.comment.decision).toMatchObject({
      automatedDetection: true,
      automatedDecision: 'AUTOMATED_DECISION_FULLY',
      incompatibleContentGround: 'Правила за коментари, т. 5',
    });
    expect((await adminItem(t, c.id)).hold).toMatchObject({ source: 'classifier', rule: 'spam-v1', labels: ['spam'] });
    expect(await audit(t, c.id)).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'check_reject', toStatus: 'rejected' })]),
    );
    // Never announced with its text.
    const events = await t.prisma.domainEvent.findMany({
      where: { data: { path: ['comment', 'id'], equals: c.id } },
      select: { type: true },
    });
    expect(events.map((e) => e.type)).toEqual(['comment.created', 'comment.rejected']);
  });

  it('should hold a refusal whose reason is not on the newsroom’s list', async () => {
    const a = await article(t, 'post');
    const c = await postComment(t, a, regular, { body: 'Нещо [unknown-reason] тук' });
    expect(c.status).toBe('pending');
    expect((await adminItem(t, c.id)).adminComment.statusReason).toContain('not one of the newsroom');
  });

  it.each([
    ['slow (past the timeout)', '[slow]', 'unavailable', 'no response within 800 ms'],
    ['garbage', '[garbage]', 'invalid_answer', 'not JSON'],
    ['an error status', '[error]', 'unavailable', 'HTTP 503'],
  ])('should hold, never publish, when the classifier is %s', async (_what, marker, rule, why) => {
    const a = await article(t, 'post');
    const started = Date.now();
    const c = await postComment(t, a, regular, { body: `Коментар ${marker} ${seq}` });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(c.status).toBe('pending');
    const item = await adminItem(t, c.id);
    expect(item.hold).toMatchObject({ source: 'classifier', rule });
    expect(item.adminComment.statusReason).toContain(why);
    expect(item.adminComment.statusReason).toContain('never published unchecked');
  });

  it('should hold when the classifier is down, and check an edit again', async () => {
    const a = await article(t, 'post');
    const c = await postComment(t, a, regular, { body: 'Първа версия на мнението.' });
    expect(c.status).toBe('approved');
    const port = fake.port;
    await fake.stop();
    try {
      const down = await postComment(t, a, regular, { body: 'Докато класификаторът не работи.' });
      expect(down.status).toBe('pending');
      expect((await adminItem(t, down.id)).hold).toMatchObject({ source: 'classifier', rule: 'unavailable' });
    } finally {
      fake.port = port;
      await fake.start();
    }
    const edited = await t.http
      .patch(`/api/comments/${c.id}`)
      .set(authHeader(regular))
      .send({ body: 'Втора версия [hold] на мнението.' })
      .expect(200);
    expect(edited.body.comment.status).toBe('pending');
    expect((await adminItem(t, c.id)).hold).toMatchObject({ source: 'classifier', labels: ['toxicity', 'insult'] });
    // An edit is held, never refused: the author keeps the comment they wrote.
    const other = await postComment(t, a, regular, { body: 'Трето мнение без проблеми.' });
    const refusedEdit = await t.http
      .patch(`/api/comments/${other.id}`)
      .set(authHeader(regular))
      .send({ body: 'Трето мнение [refuse] с реклама.' })
      .expect(200);
    expect(refusedEdit.body.comment.status).toBe('pending');
    expect((await adminItem(t, other.id)).adminComment.statusReason).toContain('an edit is held, not refused');
  });
});

describe('the SSRF guard', () => {
  it('should refuse a classifier on an internal address unless allowed, and hold the comment', async () => {
    const guarded = await startTestApp({
      ...ENV(),
      CLASSIFIER_URL: `https://127.0.0.1:${fake.port}/check`,
      CLASSIFIER_ALLOW_PRIVATE_TARGET: 'false',
    });
    try {
      const a = await article(guarded, 'post');
      const c = await postComment(guarded, a, regular, { body: 'Към вътрешен адрес.' });
      expect(c.status).toBe('pending');
      const item = await adminItem(guarded, c.id);
      expect(item.hold).toMatchObject({ source: 'classifier', rule: 'unavailable' });
      expect(item.adminComment.statusReason).toContain('is not a public address');
      expect(fake.received.some((r) => r.commentId === c.id)).toBe(false);
    } finally {
      await guarded.close();
    }
  });
});

describe('a comment stored but not yet decided when the process stops', () => {
  it('should be left awaiting its check, then decided by the resume worker after a restart', async () => {
    // An instance of its own, with a classifier timeout longer than the test needs to stop it.
    await t.close();
    t = await startTestApp({ ...ENV(), CLASSIFIER_TIMEOUT_MS: '3000' });
    const a = await article(t, 'post');
    const author = await createUser(t);
    const post = t.http
      .post(`/api/articles/${a.slug}/comments`)
      .set(authHeader(author))
      .send({ body: 'Спокойно мнение [hang] без връзки' });
    const answered = post.then(
      (r) => ({ status: r.status, comment: r.body.comment as { status: string } | undefined }),
      () => ({ status: 0, comment: undefined }),
    );
    await expect.poll(() => fake.received.some((r) => r.body.includes('[hang]')), { timeout: 10_000 }).toBe(true);
    const stored = await t.prisma.comment.findFirstOrThrow({ where: { authorId: author.id }, select: { id: true } });
    // The process stops with the check in flight: the call gives up, nothing is decided and nothing is lost.
    await t.close();
    expect(await answered).toMatchObject({ status: 201, comment: { status: 'pending' } });
    const left = new pg.Client({ connectionString: db.url });
    await left.connect();
    try {
      expect(await statusOf(left, stored.id)).toEqual({ status: 'pending', awaiting: true });
      // Restarted, with the classifier answering: the worker decides the comment once the claim has lapsed.
      fake.answer = (body) => (body.includes('[hang]') ? { body: JSON.stringify({ action: 'publish' }) } : byMarker(body));
      t = await startTestApp(ENV());
      await expect.poll(async () => (await statusOf(left, stored.id)).status, { timeout: 20_000, interval: 200 }).toBe('approved');
      expect(await statusOf(left, stored.id)).toEqual({ status: 'approved', awaiting: false });
      expect((await audit(t, stored.id)).map((r) => r.action)).toContain('check_publish');
    } finally {
      await left.end();
    }
  });
});

describe('a process killed between storing a comment and deciding it', () => {
  it('should leave it awaiting its check, and the resume worker of another instance should decide it', async () => {
    // The production build as its own process, on the same database as this file's app (whose worker resumes).
    buildDist();
    const port = await freePort();
    const killed = startProcess(
      process.execPath,
      ['dist/main.js'],
      serviceEnv({
        DATABASE_URL: db.url,
        PORT: String(port),
        JWT_SECRET: process.env.JWT_SECRET!,
        SEED_ARTICLE: 'false',
        LOG_LEVEL: 'warn',
        CLASSIFIER_URL: fake.url,
        CLASSIFIER_SECRET: SECRET,
        CLASSIFIER_TIMEOUT_MS: '1500',
        CLASSIFIER_ALLOW_PRIVATE_TARGET: 'true',
        COMMENT_CHECK_POLL_MS: '100',
      }),
    );
    const a = await article(t, 'post');
    const author = await createUser(t);
    const left = new pg.Client({ connectionString: db.url });
    await left.connect();
    try {
      await killed.waitUntilReady(port);
      fake.answer = (body) => (body.includes('[kill]') ? { hang: true } : byMarker(body));
      const posting = fetch(`http://127.0.0.1:${port}/api/articles/${a.slug}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${author.token}` },
        body: JSON.stringify({ body: 'Мнение по време на срив [kill]' }),
      }).then(
        (r) => r.status,
        () => 0,
      );
      await expect.poll(() => fake.received.some((r) => r.body.includes('[kill]')), { timeout: 10_000 }).toBe(true);
      // Killed outright while the classifier is being asked: no shutdown hook runs, the POST gets no answer.
      process.kill(killed.child.pid!, 'SIGKILL');
      expect(await killed.exited).toBe(137);
      expect(await posting).toBe(0);
      const stored = await t.prisma.comment.findFirstOrThrow({ where: { authorId: author.id }, select: { id: true } });
      expect(await statusOf(left, stored.id)).toEqual({ status: 'pending', awaiting: true });
      // Once the dead process's claim lapses, the other instance's worker asks again and decides.
      fake.answer = (body) => (body.includes('[kill]') ? { body: JSON.stringify({ action: 'publish' }) } : byMarker(body));
      await expect.poll(async () => (await statusOf(left, stored.id)).status, { timeout: 20_000, interval: 200 }).toBe('approved');
      expect(await statusOf(left, stored.id)).toEqual({ status: 'approved', awaiting: false });
      expect((await audit(t, stored.id)).map((r) => r.action)).toContain('check_publish');
    } finally {
      await left.end();
      if (killed.child.exitCode === null && killed.child.signalCode === null) killed.child.kill('SIGKILL');
    }
  }, 60_000);
});

/** A comment's status and whether it awaits its check, read with a connection of its own (no app needed). */
async function statusOf(c: pg.Client, id: string) {
  const { rows } = await c.query<{ status: string; awaiting: boolean }>(
    'SELECT status::text AS status, EXISTS (SELECT 1 FROM comment_checks k WHERE k.comment_id = c.id) AS awaiting FROM comments c WHERE c.id = $1',
    [id],
  );
  return rows[0];
}
