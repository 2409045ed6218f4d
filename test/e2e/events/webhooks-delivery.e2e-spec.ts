import pg from 'pg';
import { applyCommentChange, commentSnapshotSelect } from '../../../src/comment-core/comment-state.js';
import { WebhookDispatcher } from '../../../src/webhooks/webhook-dispatcher.js';
import { claimDueDeliveries } from '../../../src/webhooks/webhook-queue.js';
import { HostResolver } from '../../../src/common/outbound/target-guard.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createArticle, createUser, decideComment, postComment, type TestUser } from '../../factories/index.js';
import { deleteAllWebhookEndpoints, eventually, WebhookReceiver } from '../../helpers/webhook-receiver.js';

/**
 * Webhook delivery end to end: real PostgreSQL (a database of its own, so no other spec's events reach these
 * endpoints), the real app and worker, and receivers on 127.0.0.1 that verify every message with the
 * `standardwebhooks` package as a publisher would. Retry timing is shortened through the WEBHOOK_* variables.
 */

const FAST = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_DELAY_MS: '300',
  WEBHOOK_MAX_ATTEMPTS: '6',
};

let db: ScratchDatabase;
let t: TestApp;
let admin: TestUser;
let reader: TestUser;
const receivers: WebhookReceiver[] = [];

async function receiver(): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start();
  receivers.push(r);
  return r;
}

async function createEndpoint(app: TestApp, r: WebhookReceiver, events: string[], url = r.url): Promise<{ id: string; secret: string }> {
  const res = await app.http.post('/api/admin/webhooks').set(authHeader(admin)).send({ url, events }).expect(201);
  r.useSecret(res.body.webhook.secret as string);
  return res.body.webhook as { id: string; secret: string };
}

const deliveriesOf = async (app: TestApp, webhookId: string) =>
  (await app.http.get(`/api/admin/webhooks/${webhookId}/deliveries`).set(authHeader(admin)).query({ limit: 100 }).expect(200)).body
    .items as {
    id: string;
    messageId: string;
    eventType: string;
    status: string;
    attempts: number;
    lastResponseCode: number | null;
    lastError: string | null;
    nextAttemptAt: string | null;
    payload: { data: { article?: { id: string }; comment?: { id: string } } };
  }[];

const aboutArticle = (articleId: string) => (m: { payload: { data: Record<string, unknown> } }) =>
  (m.payload.data.article as { id?: string } | undefined)?.id === articleId;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await scratchDatabase('webhooks_delivery', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url, ...FAST });
  [admin, reader] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t)]);
});
afterEach(async () => {
  // Each test's endpoints only: later tests' events must not go to receivers that are gone.
  await deleteAllWebhookEndpoints(t.prisma);
  vi.restoreAllMocks();
});
afterAll(async () => {
  await t?.close();
  await Promise.all(receivers.map((r) => r.stop()));
  await db?.drop();
});

describe('webhook delivery', () => {
  it('should start a delivery as soon as its change commits, on an instance that polls only once a minute', async () => {
    // The worker hears the domain events' notifications (any instance's commits) instead of waiting for its poll. A
    // database of its own: the suite's app polls every 50 ms and would deliver it anyway.
    const own = await scratchDatabase('webhooks_nudge', { migrated: true });
    const slow = await startTestApp({ DATABASE_URL: own.url, ...FAST, WEBHOOK_POLL_INTERVAL_MS: '60000' });
    try {
      const [boss, author] = await Promise.all([createUser(slow, { role: 'admin' }), createUser(slow)]);
      const r = await receiver();
      const hook = await slow.http
        .post('/api/admin/webhooks')
        .set(authHeader(boss))
        .send({ url: r.url, events: ['comment.approved'] })
        .expect(201);
      r.useSecret(hook.body.webhook.secret as string);
      const a = await createArticle(slow);
      const id = (await postComment(slow, a, author, { body: 'Коментар, за който уебкуката научава веднага' })).id;
      await sleep(200); // past the start-up poll: from here on the worker would only poll in a minute
      const approvedAt = Date.now();
      await slow.http.patch(`/api/admin/comments/${id}`).set(authHeader(boss)).send({ status: 'approved' }).expect(200);
      const ofThis = (x: WebhookReceiver) =>
        x.of('comment.approved').some((m) => (m.payload.data.comment as { id?: string } | undefined)?.id === id);
      expect(await r.waitFor(ofThis, 2000)).toBe(true);
      expect(Date.now() - approvedAt).toBeLessThan(1000);
    } finally {
      await slow.close();
      await own.drop();
    }
  });

  it('should deliver comment.approved and article.comment_count.changed within 2 s of an approval, signed, and nothing unsubscribed', async () => {
    const r = await receiver();
    const hook = await createEndpoint(t, r, ['comment.approved', 'article.comment_count.changed']);
    const a = await createArticle(t);
    const id = (await postComment(t, a, reader, { body: 'Одобрен коментар за уебкуката' })).id;

    await decideComment(t, admin, id, 'approved');
    expect(await r.waitFor((x) => x.received.filter(aboutArticle(a.id)).length >= 2, 2000)).toBe(true);

    const approved = r.of('comment.approved').filter(aboutArticle(a.id));
    const counted = r.of('article.comment_count.changed').filter(aboutArticle(a.id));
    expect(approved).toHaveLength(1);
    expect(counted).toHaveLength(1);
    expect(approved[0]!.payload).toMatchObject({
      type: 'comment.approved',
      data: {
        comment: { id, body: 'Одобрен коментар за уебкуката', status: 'approved', author: { id: reader.id, username: reader.username } },
        article: { id: a.id, slug: a.slug },
        fromStatus: 'pending',
        toStatus: 'approved',
        visible: true,
        visibleDelta: 1,
      },
    });
    expect(new Date(approved[0]!.payload.timestamp).toISOString()).toBe(approved[0]!.payload.timestamp);
    expect(counted[0]!.payload).toMatchObject({
      type: 'article.comment_count.changed',
      data: { article: { id: a.id, slug: a.slug }, count: 1 },
    });
    // No email or other private data in what leaves the service.
    expect(JSON.stringify(approved[0]!.payload)).not.toContain(reader.email);
    expect(approved[0]!.id).toMatch(/^msg_\d+_[0-9a-f]{12}$/);
    expect(approved[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^newsroom-comments-webhooks/),
    });
    expect(Math.abs(approved[0]!.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(r.rejected).toEqual([]);
    // comment.created happened too (the post), but this endpoint did not subscribe to it.
    expect(r.of('comment.created')).toEqual([]);

    const list = await deliveriesOf(t, hook.id);
    expect(list.map((d) => [d.eventType, d.status, d.attempts, d.lastResponseCode, d.nextAttemptAt])).toEqual(
      expect.arrayContaining([
        ['comment.approved', 'succeeded', 1, 200, null],
        ['article.comment_count.changed', 'succeeded', 1, 200, null],
      ]),
    );
    expect(list.find((d) => d.eventType === 'comment.approved')!.messageId).toBe(approved[0]!.id);
    expect(
      (await t.http.get(`/api/admin/webhooks/${hook.id}`).set(authHeader(admin)).expect(200)).body.webhook.lastSuccessAt,
    ).not.toBeNull();
  });

  it('should retry while the receiver is down or failing and deliver one logical event under one webhook-id', async () => {
    const r = await receiver();
    const hook = await createEndpoint(t, r, ['comment.approved']);
    const a = await createArticle(t);
    const id = (await postComment(t, a, reader, { body: 'Ще пристигне от третия път' })).id;
    await r.stop(); // connection refused
    let failing = 1;
    r.respond = () => (failing-- > 0 ? { status: 503 } : { status: 200 });

    await decideComment(t, admin, id, 'approved');
    const firstFailure = await eventually(async () =>
      (await deliveriesOf(t, hook.id)).find((d) => d.attempts >= 1 && d.lastError !== null),
    );
    expect(firstFailure).toMatchObject({ status: 'pending', lastError: expect.stringContaining('ECONNREFUSED'), lastResponseCode: null });
    expect(firstFailure!.nextAttemptAt).not.toBeNull();
    await r.start();

    expect(await r.waitFor((x) => x.of('comment.approved').some(aboutArticle(a.id)), 5000)).toBe(true);
    // Recorded as succeeded: the worker claims only pending deliveries, so nothing more can arrive for it.
    expect(await eventually(async () => (await deliveriesOf(t, hook.id))[0]?.status === 'succeeded')).toBe(true);
    const mine = r.log.filter((m) => m.type === 'comment.approved');
    expect(mine.map((m) => m.status)).toEqual([503, 200]);
    expect(new Set(mine.map((m) => m.id)).size).toBe(1);
    expect(r.of('comment.approved')).toHaveLength(1);
    const [delivery] = await deliveriesOf(t, hook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', lastResponseCode: 200, lastError: null, messageId: mine[0]!.id });
    expect(delivery!.attempts).toBeGreaterThanOrEqual(3);
  });

  it('should deliver nothing for a change that rolls back, and the next committed change normally', async () => {
    const r = await receiver();
    const hook = await createEndpoint(t, r, ['comment.approved', 'article.comment_count.changed']);
    const a = await createArticle(t);
    const id = (await postComment(t, a, reader, { body: 'Върнат назад' })).id;
    const snapshot = await t.prisma.comment.findUniqueOrThrow({ where: { id }, select: commentSnapshotSelect });
    // Every delivery the worker attempts from here on (the spy calls through).
    const attempts = vi.spyOn(t.app.get(WebhookDispatcher), 'attempt');

    await expect(
      t.prisma.$transaction(async (tx) => {
        await applyCommentChange(tx, snapshot, { status: 'approved' }, { action: 'approve', actorId: admin.id });
        // Inside the transaction the outbox rows exist, written by the event's own statement...
        expect(await tx.webhookDelivery.count({ where: { endpointId: hook.id } })).toBe(2);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    // ...and they are gone with it.
    expect(await t.prisma.webhookDelivery.count({ where: { endpointId: hook.id } })).toBe(0);

    // The same change, committed. The worker claims due deliveries oldest first, so once it has attempted and
    // recorded this change's two, it has gone past anything the rolled-back one could have left: what it attempted
    // and what arrived are exactly these two messages.
    await decideComment(t, admin, id, 'approved');
    const committed = (await t.prisma.webhookDelivery.findMany({ where: { endpointId: hook.id }, select: { messageId: true } }))
      .map((d) => d.messageId)
      .sort();
    expect(committed).toHaveLength(2);
    const settled = await eventually(async () => (await deliveriesOf(t, hook.id)).every((d) => d.status === 'succeeded'), 10_000);
    expect(settled).toBe(true);
    expect(attempts.mock.calls.map(([d]) => d.messageId).sort()).toEqual(committed);
    expect(r.log.map((m) => m.id).sort()).toEqual(committed);
    expect(r.received.filter(aboutArticle(a.id))).toHaveLength(2);
  });

  it('should fail a delivery after its last attempt, disable an endpoint that kept failing, audit it, and resume it when enabled', async () => {
    const r = await receiver();
    r.respond = () => ({ status: 500 });
    const hook = await createEndpoint(t, r, ['comment.approved']);
    const a = await createArticle(t);
    const id = (await postComment(t, a, reader, { body: 'Никога не пристига' })).id;

    await decideComment(t, admin, id, 'approved');
    const disabled = await eventually(async () => {
      const res = await t.http.get(`/api/admin/webhooks/${hook.id}`).set(authHeader(admin)).expect(200);
      return res.body.webhook.enabled === false ? res.body.webhook : null;
    }, 10_000);
    expect(disabled).toMatchObject({
      enabled: false,
      disabledReason: expect.stringContaining('failed 6 attempts, the last with HTTP 500'),
    });
    const [failed] = await deliveriesOf(t, hook.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 6, lastResponseCode: 500, lastError: 'HTTP 500', nextAttemptAt: null });
    expect(r.log.filter((m) => m.id === failed!.messageId)).toHaveLength(6);

    const log = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).expect(200);
    const entry = (log.body.items as { action: string; moderator: unknown; details: { webhook?: { id: string } } }[]).find(
      (e) => e.action === 'webhook_disable' && e.details.webhook?.id === hook.id,
    );
    expect(entry).toMatchObject({
      moderator: null,
      details: { webhook: { id: hook.id, url: r.url }, delivery: { id: failed!.id, attempts: 6, lastResponseCode: 500 } },
    });

    // A disabled endpoint gets no new deliveries, and its failed ones cannot be retried until it is enabled.
    await decideComment(t, admin, (await postComment(t, a, reader, { body: 'Докато е изключена' })).id, 'approved');
    expect(await t.prisma.webhookDelivery.count({ where: { endpointId: hook.id } })).toBe(1);
    const refused = await t.http.post(`/api/admin/webhooks/${hook.id}/deliveries/${failed!.id}/retry`).set(authHeader(admin));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('WEBHOOK_DISABLED');

    // The receiver is fixed: enable, retry the failed delivery; the same message arrives under the same webhook-id.
    r.respond = () => ({ status: 200 });
    const enabled = await t.http.patch(`/api/admin/webhooks/${hook.id}`).set(authHeader(admin)).send({ enabled: true }).expect(200);
    expect(enabled.body.webhook).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    expect(enabled.body.webhook.secret).toBeUndefined();
    const retried = await t.http.post(`/api/admin/webhooks/${hook.id}/deliveries/${failed!.id}/retry`).set(authHeader(admin)).expect(200);
    expect(retried.body.delivery).toMatchObject({ id: failed!.id, status: 'pending', attempts: 0, messageId: failed!.messageId });
    expect(await r.waitFor((x) => x.of('comment.approved').some((m) => m.id === failed!.messageId), 5000)).toBe(true);
    expect((await deliveriesOf(t, hook.id)).find((d) => d.id === failed!.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    const again = await t.http.post(`/api/admin/webhooks/${hook.id}/deliveries/${failed!.id}/retry`).set(authHeader(admin)).expect(200);
    expect(again.body.delivery.status).toBe('pending'); // a succeeded delivery can be sent again too
    const pending = await t.http.post(`/api/admin/webhooks/${hook.id}/deliveries/${failed!.id}/retry`).set(authHeader(admin));
    if (pending.status === 409) expect(pending.body.error.code).toBe('WEBHOOK_DELIVERY_PENDING');
    else expect(pending.status).toBe(200); // the worker was faster: it had already succeeded again
    const audit = await t.prisma.moderationAction.findMany({ where: { action: 'webhook_retry', moderatorId: admin.id } });
    expect(audit.filter((e) => (e.details as { delivery: { id: string } }).delivery.id === failed!.id).length).toBeGreaterThanOrEqual(2);
  });

  it('should hold queued deliveries while an endpoint is paused, create none for it meanwhile, and send them when resumed', async () => {
    const r = await receiver();
    const hook = await createEndpoint(t, r, ['comment.approved']);
    const a = await createArticle(t);
    // A second endpoint, never paused: what reaches it shows how far the worker has got.
    const witness = await receiver();
    await createEndpoint(t, witness, ['comment.approved']);
    const attempts = vi.spyOn(t.app.get(WebhookDispatcher), 'attempt');
    const first = (await postComment(t, a, reader, { body: 'Чака паузата да свърши' })).id;
    await r.stop();
    await decideComment(t, admin, first, 'approved');
    expect(await eventually(async () => (await deliveriesOf(t, hook.id))[0]?.attempts)).toBeGreaterThanOrEqual(1);

    await t.http.patch(`/api/admin/webhooks/${hook.id}`).set(authHeader(admin)).send({ enabled: false }).expect(200);
    // Every attempt started before the pause has finished and been recorded.
    await Promise.allSettled(attempts.mock.results.map((x) => x.value as Promise<unknown>));
    const paused = (await deliveriesOf(t, hook.id))[0]!;
    const attemptsBefore = attempts.mock.calls.length;
    // Due again (its retry time has come), so only the pause keeps the worker from it...
    const due = async () => (await t.prisma.webhookDelivery.count({ where: { id: paused.id, nextAttemptAt: { lte: new Date() } } })) === 1;
    expect(await eventually(due)).toBe(true);
    // ...and a change approved now reaches the witness: the worker has claimed since, oldest due first.
    const during = (await postComment(t, a, reader, { body: 'Одобрен по време на паузата' })).id;
    await decideComment(t, admin, during, 'approved');
    const ofDuring = (x: WebhookReceiver) => x.of('comment.approved').some((m) => (m.payload.data.comment as { id: string }).id === during);
    expect(await witness.waitFor(ofDuring, 5000)).toBe(true);
    expect(attempts.mock.calls.slice(attemptsBefore).map(([d]) => d.endpointId)).not.toContain(hook.id);
    expect(await deliveriesOf(t, hook.id)).toEqual([
      expect.objectContaining({ id: paused.id, status: 'pending', attempts: paused.attempts }),
    ]);

    await r.start();
    await t.http.patch(`/api/admin/webhooks/${hook.id}`).set(authHeader(admin)).send({ enabled: true }).expect(200);
    expect(await r.waitFor((x) => x.of('comment.approved').length === 1, 5000)).toBe(true);
    expect((r.of('comment.approved')[0]!.payload.data.comment as { id: string }).id).toBe(first);
  });

  it('should keep an endpoint enabled when its failed delivery is only one of several and others succeed', async () => {
    const r = await receiver();
    const hook = await createEndpoint(t, r, ['comment.approved']);
    const a = await createArticle(t);
    const bad = (await postComment(t, a, reader, { body: 'Този получателят отказва' })).id;
    const good = (await postComment(t, a, reader, { body: 'Този получателят приема' })).id;
    r.respond = (_req, payload) => ({ status: (payload.data.comment as { id: string }).id === bad ? 422 : 200 });
    await decideComment(t, admin, bad, 'approved');
    await decideComment(t, admin, good, 'approved');

    const settled = await eventually(async () => {
      const list = await deliveriesOf(t, hook.id);
      return list.length === 2 && list.every((d) => d.status !== 'pending') ? list : null;
    }, 10_000);
    expect(settled!.map((d) => d.status).sort()).toEqual(['failed', 'succeeded']);
    expect((await t.http.get(`/api/admin/webhooks/${hook.id}`).set(authHeader(admin)).expect(200)).body.webhook.enabled).toBe(true);
  });

  it("should scrub an erased account's name, ban reason and authorship from the stored deliveries, queued ones included, and announce user.erased", async () => {
    const r = await receiver();
    const hook = await createEndpoint(t, r, ['comment.approved', 'user.banned', 'user.erased']);
    const a = await createArticle(t);
    const victim = await createUser(t);
    const reason = `Обиди от ${victim.username}`;
    const sent = (await postComment(t, a, victim, { body: 'Думи, които остават без автор' })).id;
    await decideComment(t, admin, sent, 'approved');
    expect(await r.waitFor((x) => x.of('comment.approved').some(aboutArticle(a.id)))).toBe(true);
    await r.stop(); // the ban's message stays queued
    await t.http.post(`/api/admin/users/${victim.id}/ban`).set(authHeader(admin)).send({ reason }).expect(200);
    expect(
      await eventually(async () => (await deliveriesOf(t, hook.id)).some((d) => d.eventType === 'user.banned' && d.attempts >= 1)),
    ).toBe(true);

    await t.http.delete(`/api/admin/users/${victim.id}`).set(authHeader(admin)).send({ reason: 'искане по чл. 17 GDPR' }).expect(200);
    const stored = await t.prisma.webhookDelivery.findMany({ where: { endpointId: hook.id }, select: { eventType: true, payload: true } });
    const text = stored.map((d) => d.payload).join('\n');
    expect(text).not.toContain(victim.username);
    expect(text).not.toContain(reason);
    const payloadOf = (type: string) =>
      JSON.parse(stored.find((d) => d.eventType === type)!.payload) as { type: string; data: Record<string, Record<string, unknown>> };
    expect(payloadOf('comment.approved').data.comment).toMatchObject({ id: sent, author: null, body: 'Думи, които остават без автор' });
    expect(payloadOf('user.banned')).toMatchObject({
      type: 'user.banned',
      data: { user: { id: victim.id, username: expect.stringMatching(/^deleted:/) }, reason: null },
    });

    await r.start();
    expect(await r.waitFor((x) => x.of('user.erased').length === 1 && x.of('user.banned').length === 1, 5000)).toBe(true);
    expect(r.of('user.banned')[0]!.payload.data).toMatchObject({ reason: null });
    expect(r.of('user.erased')[0]!.payload.data).toEqual({ user: { id: victim.id } });
  });

  it('should send a signed test ping now and answer with its recorded result, success or failure, without disabling', async () => {
    const r = await receiver();
    const hook = await createEndpoint(t, r, ['user.banned']);

    const ok = await t.http.post(`/api/admin/webhooks/${hook.id}/test`).set(authHeader(admin)).expect(201);
    expect(ok.headers.location).toBe(`/api/admin/webhooks/${hook.id}/deliveries/${ok.body.delivery.id}`);
    expect(ok.body.delivery).toMatchObject({
      webhookId: hook.id,
      eventType: 'webhook.test',
      status: 'succeeded',
      attempts: 1,
      lastResponseCode: 200,
    });
    expect(r.of('webhook.test')).toHaveLength(1);
    expect(r.of('webhook.test')[0]!.payload.data).toMatchObject({ webhook: { id: hook.id, url: r.url } });
    expect(r.of('webhook.test')[0]!.id).toBe(ok.body.delivery.messageId);
    const fetched = await t.http
      .get(ok.headers.location as string)
      .set(authHeader(admin))
      .expect(200);
    expect(fetched.body.delivery).toEqual(ok.body.delivery);

    await r.stop();
    const down = await t.http.post(`/api/admin/webhooks/${hook.id}/test`).set(authHeader(admin)).expect(201);
    expect(down.body.delivery).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastResponseCode: null,
      lastError: expect.stringContaining('ECONNREFUSED'),
    });
    expect((await t.http.get(`/api/admin/webhooks/${hook.id}`).set(authHeader(admin)).expect(200)).body.webhook.enabled).toBe(true);
    expect(await t.prisma.moderationAction.count({ where: { action: 'webhook_test', moderatorId: admin.id } })).toBeGreaterThanOrEqual(2);
  });

  it('should not follow redirects', async () => {
    const r = await receiver();
    const elsewhere = await receiver();
    const hook = await createEndpoint(t, r, ['comment.approved']);
    elsewhere.useSecret(hook.secret);
    r.respond = () => ({ status: 307, headers: { location: elsewhere.url } });

    const res = await t.http.post(`/api/admin/webhooks/${hook.id}/test`).set(authHeader(admin)).expect(201);
    expect(res.body.delivery).toMatchObject({ status: 'failed', lastResponseCode: 307, lastError: 'redirect (307) not followed' });
    // The attempt is over once the endpoint has answered: a redirect followed would have reached `elsewhere` by now.
    expect(elsewhere.requests).toBe(0);
  });

  it('should connect to the address it resolved and checked, not ask DNS again', async () => {
    const r = await receiver();
    // No DNS server knows this name (.invalid is reserved): only the checked resolution can lead to the receiver.
    const resolve = vi.spyOn(t.app.get(HostResolver), 'resolve').mockImplementation(async (host) => {
      if (host === 'hooks.newsroom.invalid') return [{ address: '127.0.0.1', family: 4 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    });
    const url = r.url.replace('127.0.0.1', 'hooks.newsroom.invalid');
    const hook = await createEndpoint(t, r, ['comment.approved'], url);

    const res = await t.http.post(`/api/admin/webhooks/${hook.id}/test`).set(authHeader(admin)).expect(201);
    expect(res.body.delivery).toMatchObject({ status: 'succeeded', lastResponseCode: 200 });
    expect(r.of('webhook.test')[0]!.headers.host).toBe(new URL(url).host);
    expect(resolve).toHaveBeenCalledWith('hooks.newsroom.invalid');
  });
});

describe('webhook delivery across restarts and instances', () => {
  it('should deliver after a restart what was committed while no worker ran, and retry an attempt whose instance died', async () => {
    const own = await scratchDatabase('webhooks_restart', { migrated: true });
    const r = await receiver();
    let first: TestApp | undefined;
    let second: TestApp | undefined;
    try {
      // An instance that commits changes but delivers nothing (as if it died right after each commit).
      first = await startTestApp({ DATABASE_URL: own.url, ...FAST, WEBHOOK_WORKER: 'false' });
      const [boss, author] = [await createUser(first, { role: 'admin' }), await createUser(first)];
      admin = boss; // the helpers act as `admin`: from here on, this database's
      const hook = await createEndpoint(first, r, ['comment.approved', 'article.comment_count.changed']);
      const a = await createArticle(first);
      const id = (await postComment(first, a, author, { body: 'Преживява рестарт' })).id;
      await decideComment(first, admin, id, 'approved');
      expect(await first.prisma.webhookDelivery.count({ where: { endpointId: hook.id, status: 'pending' } })).toBe(2);
      const pending = (await deliveriesOf(first, hook.id))[0]!;
      const queued = await first.http.post(`/api/admin/webhooks/${hook.id}/deliveries/${pending.id}/retry`).set(authHeader(admin));
      expect(queued.status).toBe(409);
      expect(queued.body.error.code).toBe('WEBHOOK_DELIVERY_PENDING');
      // An instance claims one delivery and dies mid-attempt: its lease (shortened here) runs out.
      const [claimed] = await claimDueDeliveries(first.prisma.pool, 1, 300);
      expect(claimed).toBeDefined();
      await sleep(300);
      expect(r.requests).toBe(0);
      await first.close();
      first = undefined;

      second = await startTestApp({ DATABASE_URL: own.url, ...FAST });
      expect(await r.waitFor((x) => x.received.length === 2, 5000)).toBe(true);
      expect(r.received.map((m) => m.type).sort()).toEqual(['article.comment_count.changed', 'comment.approved']);
      // The receiver answers before the worker records the success: wait for the record, not only the request.
      await expect.poll(async () => (await deliveriesOf(second!, hook.id)).every((d) => d.status === 'succeeded')).toBe(true);
      const after = await deliveriesOf(second, hook.id);
      expect(after.find((d) => d.id === claimed!.id)!.attempts).toBe(2);
    } finally {
      await first?.close();
      await second?.close();
      await own.drop();
    }
  });

  it('should deliver each message once with two instances sharing the queue, and finish an attempt in flight on shutdown', async () => {
    const own = await scratchDatabase('webhooks_instances', { migrated: true });
    const r = await receiver();
    const apps: TestApp[] = [];
    try {
      apps.push(await startTestApp({ DATABASE_URL: own.url, ...FAST }), await startTestApp({ DATABASE_URL: own.url, ...FAST }));
      const [one, two] = apps as [TestApp, TestApp];
      admin = await createUser(one, { role: 'admin' });
      const author = await createUser(one);
      await createEndpoint(one, r, ['comment.approved', 'article.comment_count.changed']);
      const a = await createArticle(one);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await postComment(one, a, author, { body: `Коментар номер ${i} от двете инстанции` })).id);
      const bulk = await two.http.post('/api/admin/comments/bulk').set(authHeader(admin)).send({ ids, status: 'approved' }).expect(200);
      expect(bulk.body.applied).toBe(20);

      expect(await r.waitFor((x) => x.received.length >= 21, 10_000)).toBe(true);
      // All recorded as succeeded: none is pending, so no instance sends one again.
      expect(
        await eventually(async () => (await one.prisma.webhookDelivery.count({ where: { status: { not: 'succeeded' } } })) === 0),
      ).toBe(true);
      expect(r.received).toHaveLength(21);
      expect(new Set(r.received.map((m) => m.id)).size).toBe(21);
      expect(
        r
          .of('comment.approved')
          .map((m) => (m.payload.data.comment as { id: string }).id)
          .sort(),
      ).toEqual([...ids].sort());
      expect(r.of('article.comment_count.changed')[0]!.payload.data).toMatchObject({ count: 20 });

      // Shutdown: an attempt in flight finishes and is recorded before the app has closed.
      await two.close();
      apps.pop();
      r.respond = () => ({ status: 200, delayMs: 800 });
      const before = r.requests;
      await decideComment(one, admin, (await postComment(one, a, author, { body: 'Бавен получател' })).id, 'approved');
      expect(await r.waitFor((x) => x.requests > before, 5000)).toBe(true); // arrived, not answered yet
      await one.close();
      apps.pop();
      const check = new pg.Client({ connectionString: own.url });
      await check.connect();
      try {
        const { rows } = await check.query<{ status: string }>(
          `SELECT status::text FROM webhook_deliveries WHERE event_type = 'comment.approved' ORDER BY created_at DESC LIMIT 1`,
        );
        expect(rows[0]!.status).toBe('succeeded');
      } finally {
        await check.end();
      }
    } finally {
      for (const app of apps) await app.close();
      await own.drop();
    }
  });
});
