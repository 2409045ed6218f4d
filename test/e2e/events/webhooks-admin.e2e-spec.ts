import pg from 'pg';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createUser, type TestUser } from '../../factories/index.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

/**
 * The admin API of webhooks: who may use it, what it accepts, the secret shown once and kept encrypted, the audit
 * trail, deliveries listing, and the keys that protect the secrets (WEBHOOK_SECRET_KEY, rotation, production
 * without one). A database of its own, so no other spec's events reach these endpoints.
 */

const KEY_1 = 'first-webhook-secret-key-0123456789abcdef';
const KEY_2 = 'second-webhook-secret-key-0123456789abcdef';
const BASE = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_SECRET_KEY: KEY_1 };

let db: ScratchDatabase;
let t: TestApp;
let admin: TestUser;
let receiver: WebhookReceiver;

const create = (body: Record<string, unknown>, app = t) => app.http.post('/api/admin/webhooks').set(authHeader(admin)).send(body);
const hooks = '/api/admin/webhooks';

beforeAll(async () => {
  db = await scratchDatabase('webhooks_admin', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url, ...BASE });
  admin = await createUser(t, { role: 'admin' });
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await t?.close();
  await receiver?.stop();
  await db?.drop();
});

describe('webhooks admin API', () => {
  it('should be for admins only', async () => {
    const [moderator, reader] = await Promise.all([createUser(t, { role: 'moderator' }), createUser(t)]);
    expect((await t.http.get(hooks)).status).toBe(401);
    for (const user of [moderator, reader]) {
      const list = await t.http.get(hooks).set(authHeader(user));
      expect(list.status).toBe(403);
      expect(list.body.error.code).toBe('FORBIDDEN');
      expect(
        (
          await t.http
            .post(hooks)
            .set(authHeader(user))
            .send({ url: receiver.url, events: ['comment.approved'] })
        ).status,
      ).toBe(403);
    }
    expect(await t.prisma.webhookEndpoint.count()).toBe(0);
  });

  it('should create an endpoint, show its secret once, keep it encrypted and audit the creation', async () => {
    const res = await create({
      url: receiver.url,
      events: ['comment.approved', 'article.comment_count.changed'],
      description: 'Изчистване на кеша на CDN',
    }).expect(201);
    const webhook = res.body.webhook as { id: string; secret: string };
    expect(res.headers.location).toBe(`/api/admin/webhooks/${webhook.id}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.webhook).toMatchObject({
      url: receiver.url,
      events: ['comment.approved', 'article.comment_count.changed'],
      description: 'Изчистване на кеша на CDN',
      enabled: true,
      disabledAt: null,
      lastSuccessAt: null,
      createdBy: { id: admin.id, username: admin.username },
    });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    // Shown once: never again in a read.
    const one = await t.http.get(`${hooks}/${webhook.id}`).set(authHeader(admin)).expect(200);
    expect(one.body.webhook.secret).toBeUndefined();
    const list = await t.http.get(hooks).set(authHeader(admin)).expect(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(webhook.id);
    expect(JSON.stringify(list.body)).not.toContain(webhook.secret);

    // At rest: ciphertext only, and nothing about it in the audit trail.
    const [row] = await t.prisma.$queryRaw<
      { secret_ciphertext: string }[]
    >`SELECT secret_ciphertext FROM webhook_endpoints WHERE id = ${webhook.id}::uuid`;
    expect(row!.secret_ciphertext).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(row!.secret_ciphertext).not.toContain(webhook.secret.slice(6));
    const audit = await t.prisma.moderationAction.findMany({ where: { action: 'webhook_create' } });
    expect(audit).toEqual([
      expect.objectContaining({
        moderatorId: admin.id,
        reason: receiver.url,
        details: { webhook: expect.objectContaining({ id: webhook.id, url: receiver.url }) },
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(webhook.secret.slice(6));

    // A receiver holding the secret verifies what is sent.
    receiver.useSecret(webhook.secret);
    const ping = await t.http.post(`${hooks}/${webhook.id}/test`).set(authHeader(admin)).expect(201);
    expect(ping.body.delivery.status).toBe('succeeded');
    expect(receiver.rejected).toEqual([]);
  });

  it.each([
    [{ events: ['comment.approved'] }, 'url'],
    [{ url: 'https://hooks.example.org/in', events: [] }, 'events'],
    [{ url: 'https://hooks.example.org/in', events: ['comment.liked'] }, 'events'],
    [{ url: 'https://hooks.example.org/in', events: ['comment.approved', 'comment.approved'] }, 'events'],
    [{ url: 'https://hooks.example.org/in', events: 'comment.approved' }, 'events'],
    [{ url: 'https://hooks.example.org/in', events: ['comment.approved'], secret: 'whsec_mine' }, 'secret'],
    [{ url: 'https://hooks.example.org/in', events: ['comment.approved'], description: 'x'.repeat(501) }, 'description'],
  ])('should refuse an invalid body: %j', async (body, field) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('should change an endpoint, rotate its secret, and audit each change with before and after', async () => {
    const created = (await create({ url: receiver.url, events: ['comment.approved'] }).expect(201)).body.webhook as {
      id: string;
      secret: string;
    };
    const changed = await t.http
      .patch(`${hooks}/${created.id}`)
      .set(authHeader(admin))
      .send({ events: ['comment.deleted', 'user.banned'], description: 'Чат на редакцията' })
      .expect(200);
    expect(changed.body.webhook).toMatchObject({ events: ['comment.deleted', 'user.banned'], description: 'Чат на редакцията' });
    expect(changed.body.webhook.secret).toBeUndefined();
    const cleared = await t.http.patch(`${hooks}/${created.id}`).set(authHeader(admin)).send({ description: '' }).expect(200);
    expect(cleared.body.webhook.description).toBeNull();

    const rotated = await t.http.patch(`${hooks}/${created.id}`).set(authHeader(admin)).send({ rotateSecret: true }).expect(200);
    const secret = rotated.body.webhook.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    // Signed with the new secret: a receiver still on the old one refuses it, one with the new one accepts it.
    receiver.useSecret(created.secret);
    const refused = await t.http.post(`${hooks}/${created.id}/test`).set(authHeader(admin)).expect(201);
    expect(refused.body.delivery).toMatchObject({ status: 'failed', lastResponseCode: 400 });
    receiver.useSecret(secret);
    expect((await t.http.post(`${hooks}/${created.id}/test`).set(authHeader(admin)).expect(201)).body.delivery.status).toBe('succeeded');

    const paused = await t.http.patch(`${hooks}/${created.id}`).set(authHeader(admin)).send({ enabled: false }).expect(200);
    expect(paused.body.webhook).toMatchObject({ enabled: false, disabledReason: 'disabled by an admin' });
    expect(paused.body.webhook.disabledAt).not.toBeNull();

    const updates = await t.prisma.moderationAction.findMany({ where: { action: 'webhook_update' }, orderBy: { createdAt: 'asc' } });
    expect(updates).toHaveLength(4);
    expect(updates[0]!.details).toMatchObject({
      webhookId: created.id,
      from: { events: ['comment.approved'] },
      to: { events: ['comment.deleted', 'user.banned'] },
    });
    expect(updates[2]!.details).toMatchObject({ secretRotated: true });
    expect(updates[3]!.details).toMatchObject({ from: { enabled: true }, to: { enabled: false } });
    expect(JSON.stringify(updates)).not.toContain(secret.slice(6));

    const empty = await t.http.patch(`${hooks}/${created.id}`).set(authHeader(admin)).send({});
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('should list deliveries newest first with a status filter and pages, and answer 404 for unknown ids', async () => {
    const created = (await create({ url: receiver.url, events: ['comment.approved'] }).expect(201)).body.webhook as {
      id: string;
      secret: string;
    };
    receiver.useSecret(created.secret);
    for (let i = 0; i < 3; i++) await t.http.post(`${hooks}/${created.id}/test`).set(authHeader(admin)).expect(201);
    await receiver.stop();
    await t.http.post(`${hooks}/${created.id}/test`).set(authHeader(admin)).expect(201);
    await receiver.start();

    const page1 = await t.http.get(`${hooks}/${created.id}/deliveries`).set(authHeader(admin)).query({ limit: 2 }).expect(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.items[0].status).toBe('failed'); // the newest
    const page2 = await t.http
      .get(`${hooks}/${created.id}/deliveries`)
      .set(authHeader(admin))
      .query({ limit: 2, cursor: page1.body.nextCursor })
      .expect(200);
    expect(page2.body.items).toHaveLength(2);
    expect(page2.body.nextCursor).toBeNull();
    const ids = [...page1.body.items, ...page2.body.items].map((d: { id: string }) => d.id);
    expect(new Set(ids).size).toBe(4);
    const failed = await t.http.get(`${hooks}/${created.id}/deliveries`).set(authHeader(admin)).query({ status: 'failed' }).expect(200);
    expect(failed.body.items.map((d: { status: string }) => d.status)).toEqual(['failed']);

    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [path, code] of [
      [`${hooks}/${unknown}`, 'WEBHOOK_NOT_FOUND'],
      [`${hooks}/${unknown}/deliveries`, 'WEBHOOK_NOT_FOUND'],
      [`${hooks}/${unknown}/deliveries/${ids[0]}`, 'WEBHOOK_NOT_FOUND'],
      [`${hooks}/${created.id}/deliveries/${unknown}`, 'WEBHOOK_DELIVERY_NOT_FOUND'],
    ] as const) {
      const res = await t.http.get(path).set(authHeader(admin));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe(code);
    }
    const retry = await t.http.post(`${hooks}/${created.id}/deliveries/${unknown}/retry`).set(authHeader(admin));
    expect(retry.status).toBe(404);
    expect(retry.body.error.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
    expect((await t.http.get(`${hooks}/not-a-uuid`).set(authHeader(admin))).status).toBe(400);
  });

  it('should delete an endpoint with its deliveries and audit it', async () => {
    const created = (await create({ url: receiver.url, events: ['comment.approved'] }).expect(201)).body.webhook as {
      id: string;
      secret: string;
    };
    receiver.useSecret(created.secret);
    await t.http.post(`${hooks}/${created.id}/test`).set(authHeader(admin)).expect(201);
    await t.http.delete(`${hooks}/${created.id}`).set(authHeader(admin)).expect(204);
    expect((await t.http.get(`${hooks}/${created.id}`).set(authHeader(admin))).status).toBe(404);
    expect(await t.prisma.webhookDelivery.count({ where: { endpointId: created.id } })).toBe(0);
    const again = await t.http.delete(`${hooks}/${created.id}`).set(authHeader(admin));
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('WEBHOOK_NOT_FOUND');
    const log = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).expect(200);
    expect(log.body.items.find((e: { action: string }) => e.action === 'webhook_delete')).toMatchObject({
      moderator: { id: admin.id },
      details: { webhook: { id: created.id, url: receiver.url } },
    });
  });
  it('should delete an endpoint while the worker records an attempt of one of its deliveries, without a deadlock', async () => {
    // The worker records an outcome in one statement that locks the delivery, then its endpoint (last_success_at).
    // Deleting the endpoint used to lock the endpoint, then (cascade) its deliveries: the opposite order. Here a
    // transaction plays the worker, holding a delivery while the DELETE arrives; with a short deadlock_timeout it is
    // the one PostgreSQL would abort if the two waited on each other.
    const created = (await create({ url: receiver.url, events: ['comment.approved'] }).expect(201)).body.webhook as {
      id: string;
      secret: string;
    };
    receiver.useSecret(created.secret);
    await t.http.post(`${hooks}/${created.id}/test`).set(authHeader(admin)).expect(201);
    // Pending again (due in an hour, so the real worker leaves it alone): the worker only records attempts of those.
    const [delivery] = await t.prisma.$queryRaw<{ id: string }[]>`
      UPDATE webhook_deliveries SET status = 'pending', completed_at = NULL, next_attempt_at = now() + interval '1 hour'
      WHERE endpoint_id = ${created.id}::uuid RETURNING id`;

    const worker = new pg.Client({ connectionString: db.url });
    await worker.connect();
    try {
      await worker.query("BEGIN; SET LOCAL deadlock_timeout = '50ms'");
      await worker.query("UPDATE webhook_deliveries SET last_duration_ms = 1 WHERE id = $1::uuid AND status = 'pending'", [delivery!.id]);
      const deleting = t.http
        .delete(`${hooks}/${created.id}`)
        .set(authHeader(admin))
        .then((r) => r);
      // Let the DELETE reach its first lock wait, then take the endpoint's row lock as the worker's statement does.
      await waitForLockWait(worker);
      await worker.query('UPDATE webhook_endpoints SET last_success_at = now() WHERE id = $1::uuid', [created.id]);
      await worker.query('COMMIT');
      expect((await deleting).status).toBe(204);
    } finally {
      await worker.query('ROLLBACK').catch(() => {});
      await worker.end();
    }
    expect(await t.prisma.webhookEndpoint.count({ where: { id: created.id } })).toBe(0);
  });
});

/** Resolves once another session of this database waits for a row lock (the request under test). */
async function waitForLockWait(observer: pg.Client): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await observer.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
    );
    if (rows[0]!.n > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the request never waited for a lock');
}

describe('webhook secret keys', () => {
  it('should re-encrypt secrets under a new WEBHOOK_SECRET_KEY at start-up and keep signing with them', async () => {
    const created = (await create({ url: receiver.url, events: ['user.banned'] }).expect(201)).body.webhook as {
      id: string;
      secret: string;
    };
    const kid = async (app: TestApp) =>
      (
        await app.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id }, select: { secretCiphertext: true } })
      ).secretCiphertext.split(':')[1];
    const before = await kid(t);

    // Rotation: the new key first, the old one still listed; start-up re-encrypts.
    const rotating = await startTestApp({ DATABASE_URL: db.url, ...BASE, WEBHOOK_SECRET_KEY: `${KEY_2},${KEY_1}` });
    try {
      expect(await kid(rotating)).not.toBe(before);
    } finally {
      await rotating.close();
    }
    // The old key is gone: the secret still signs, the receiver (with the secret it was shown) verifies.
    const rotated = await startTestApp({ DATABASE_URL: db.url, ...BASE, WEBHOOK_SECRET_KEY: KEY_2 });
    try {
      receiver.useSecret(created.secret);
      const ping = await rotated.http.post(`${hooks}/${created.id}/test`).set(authHeader(admin)).expect(201);
      expect(ping.body.delivery.status).toBe('succeeded');
    } finally {
      await rotated.close();
    }
    // A key that never encrypted it cannot sign: the attempt fails and says why.
    const wrong = await startTestApp({ DATABASE_URL: db.url, ...BASE, WEBHOOK_SECRET_KEY: 'some-other-webhook-secret-key-0123456789' });
    try {
      const ping = await wrong.http.post(`${hooks}/${created.id}/test`).set(authHeader(admin)).expect(201);
      expect(ping.body.delivery).toMatchObject({
        status: 'failed',
        lastError: expect.stringContaining('cannot decrypt the signing secret'),
      });
    } finally {
      await wrong.close();
    }
  });

  it('should turn webhooks off in production without WEBHOOK_SECRET_KEY', async () => {
    const production = await startTestApp({ DATABASE_URL: db.url, NODE_ENV: 'production', WEBHOOK_SECRET_KEY: '', SEED_ARTICLE: 'false' });
    try {
      for (const res of [
        await production.http.get(hooks).set(authHeader(admin)),
        await create({ url: 'https://hooks.example.org/in', events: ['comment.approved'] }, production),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('WEBHOOKS_NOT_CONFIGURED');
      }
    } finally {
      await production.close();
    }
  });
});
