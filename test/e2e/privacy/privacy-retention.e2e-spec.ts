import { randomBytes, randomUUID } from 'node:crypto';
import { RetentionService } from '../../../src/privacy/retention.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser } from '../../factories/index.js';

/**
 * The retention job (GDPR Art. 5(1)(e)): deletes what is past its period and nothing else, runs once at a time
 * across instances, and stops with the service. Test apps share one database and do not schedule it
 * (RETENTION_INTERVAL_SECONDS=0 in setup-env.ts) unless a test asks.
 */

const DAY = 86_400_000;
let t: TestApp;
let t2: TestApp;

/** A stored refresh token (a session's row) of `userId`, expiring at `expiresAt`. */
async function token(app: TestApp, userId: string, expiresAt: Date, revoked = false): Promise<string> {
  const row = await app.prisma.refreshToken.create({
    data: {
      userId,
      familyId: randomUUID(),
      familyStartedAt: new Date(expiresAt.getTime() - 30 * DAY),
      tokenHash: randomBytes(32).toString('hex'),
      expiresAt,
      revokedAt: revoked ? new Date(expiresAt.getTime() - DAY) : null,
      createdAt: new Date(expiresAt.getTime() - 30 * DAY),
    },
    select: { id: true },
  });
  return row.id;
}

const remaining = async (app: TestApp, ids: string[]) =>
  (await app.prisma.refreshToken.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id).sort();

beforeAll(async () => {
  [t, t2] = await Promise.all([startTestApp(), startTestApp()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), t2?.close()]);
});

describe('RetentionService', () => {
  it('should delete sessions that expired more than RETENTION_SESSION_DAYS ago and nothing else', async () => {
    const [u, other] = await Promise.all([createUser(t), createUser(t)]);
    const now = Date.now();
    const due = [
      await token(t, u.id, new Date(now - 31 * DAY)),
      await token(t, u.id, new Date(now - 400 * DAY), true),
      await token(t, other.id, new Date(now - 45 * DAY)),
    ];
    const kept = [
      await token(t, u.id, new Date(now - 29 * DAY)), // expired, but within the period
      await token(t, u.id, new Date(now + 10 * DAY)), // live
      await token(t, u.id, new Date(now + 10 * DAY), true), // signed out, not yet expired
    ];
    const run = await t.app.get(RetentionService).runOnce();
    expect(run?.sessions).toBeGreaterThanOrEqual(due.length);
    expect(await remaining(t, [...due, ...kept])).toEqual([...kept].sort());
    // The sessions every account really uses are untouched: their owners still refresh and sign in.
    await t.http.get('/api/auth/me').set('Authorization', `Bearer ${u.token}`).expect(200);
    await expect(t.prisma.user.count({ where: { id: { in: [u.id, other.id] }, deletedAt: null } })).resolves.toBe(2);
  });

  it('should run once at a time across instances and delete each row once', async () => {
    const u = await createUser(t);
    const due = await Promise.all(Array.from({ length: 30 }, (_, i) => token(t, u.id, new Date(Date.now() - (40 + i) * DAY))));
    const runs = await Promise.all([
      t.app.get(RetentionService).runOnce(),
      t2.app.get(RetentionService).runOnce(),
      t.app.get(RetentionService).runOnce(),
    ]);
    const done = runs.filter((r) => r !== null);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.reduce((n, r) => n + r!.sessions, 0)).toBeGreaterThanOrEqual(due.length);
    expect(await remaining(t, due)).toEqual([]);
  });

  it('should run on its schedule and stop cleanly with the service', async () => {
    const scheduled = await startTestApp({ RETENTION_INTERVAL_SECONDS: '1' });
    let closed = false;
    try {
      const u = await createUser(scheduled);
      const old = await token(scheduled, u.id, new Date(Date.now() - 60 * DAY));
      await vi.waitFor(async () => expect(await remaining(scheduled, [old])).toEqual([]), { timeout: 15_000, interval: 200 });
      // A run in progress when the service stops: shutdown waits for its current batch, then the pool closes.
      await Promise.all(Array.from({ length: 5 }, () => token(scheduled, u.id, new Date(Date.now() - 90 * DAY))));
      const running = scheduled.app.get(RetentionService).runOnce();
      await scheduled.close();
      closed = true;
      // It ended without an error (a run cut off by the pool closing would reject).
      const result = await running;
      expect(result === null || result.sessions >= 0).toBe(true);
    } finally {
      if (!closed) await scheduled.close();
    }
  });
});
