import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createUser, type TestUser } from '../../factories/index.js';

/**
 * Concurrent staff changes (own database: the number of admins must be known). Role changes, bans of staff and
 * the last-admin rule are decided on rows locked in one order, so racing changes serialise: the second sees the
 * first one's outcome, nothing deadlocks, nothing answers 5xx.
 */
let db: ScratchDatabase;
let t: TestApp;

beforeAll(async () => {
  db = await scratchDatabase('staff_changes', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

const setRole = (actor: TestUser, target: TestUser, role: string) =>
  t.http.patch(`/api/admin/users/${target.id}`).set(authHeader(actor)).send({ role });
const ban = (actor: TestUser, target: TestUser) =>
  t.http.post(`/api/admin/users/${target.id}/ban`).set(authHeader(actor)).send({ reason: 'racing' });
const roleOf = async (u: TestUser) => (await t.prisma.user.findUniqueOrThrow({ where: { id: u.id }, select: { role: true } })).role;
const activeAdmins = () => t.prisma.user.count({ where: { role: 'admin', bannedAt: null, deletedAt: null } });

/** Leaves exactly `keep` as the active admins. */
async function onlyAdmins(...keep: TestUser[]) {
  await t.prisma.user.updateMany({ where: { role: 'admin', id: { notIn: keep.map((u) => u.id) } }, data: { role: 'reader' } });
}

describe('staff changes under concurrency', () => {
  it(
    'should let exactly one of two admins demoting each other at the same moment succeed, even with a third admin',
    { timeout: 60_000 },
    async () => {
      const third = await createUser(t, { role: 'admin' });
      for (let round = 0; round < 8; round++) {
        const [x, y] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'admin' })]);
        await onlyAdmins(x, y, third);
        const results = await Promise.all([setRole(x, y, 'reader'), setRole(y, x, 'reader')]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
        // Decided in the transaction (both requests passed the guards), or by the roles guard when the loser arrived
        // after the winner had committed.
        const loser = results.find((r) => r.status === 403)!;
        expect(['ACTOR_NO_LONGER_ALLOWED', 'FORBIDDEN']).toContain(loser.body.error.code);
        expect([await roleOf(x), await roleOf(y)].sort()).toEqual(['admin', 'reader']);
        expect(await activeAdmins()).toBe(2);
      }
    },
  );

  it('should keep one admin when the only two admins demote each other at the same moment', async () => {
    const [x, y] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'admin' })]);
    await onlyAdmins(x, y);
    const results = await Promise.all([setRole(x, y, 'moderator'), setRole(y, x, 'moderator')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
    expect(await activeAdmins()).toBe(1);
  });

  it('should never deadlock when two admins ban each other: exactly one ban wins, the other is 403', { timeout: 60_000 }, async () => {
    for (let round = 0; round < 8; round++) {
      const [x, y] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'admin' })]);
      const results = await Promise.all([ban(x, y), ban(y, x)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
      // In the transaction, or already at authentication when the loser arrived after the winner's ban committed.
      expect(['ACTOR_NO_LONGER_ALLOWED', 'USER_BANNED']).toContain(results.find((r) => r.status === 403)!.body.error.code);
      const banned = await t.prisma.user.count({ where: { id: { in: [x.id, y.id] }, bannedAt: { not: null } } });
      expect(banned).toBe(1);
    }
  });

  it(
    'should not let a moderator who is being demoted ban someone in the same instant without seeing the demotion',
    { timeout: 60_000 },
    async () => {
      const admin = await createUser(t, { role: 'admin' });
      for (let round = 0; round < 8; round++) {
        const [moderator, reader] = await Promise.all([createUser(t, { role: 'moderator' }), createUser(t)]);
        const [demoted, banned] = await Promise.all([setRole(admin, moderator, 'reader'), ban(moderator, reader)]);
        expect(demoted.status).toBe(200);
        // Either the ban came first (and stands), or the demotion did and the ban is refused: never a 5xx.
        expect([200, 403]).toContain(banned.status);
        const isBanned =
          (await t.prisma.user.findUniqueOrThrow({ where: { id: reader.id }, select: { bannedAt: true } })).bannedAt !== null;
        expect(isBanned).toBe(banned.status === 200);
      }
    },
  );
});
