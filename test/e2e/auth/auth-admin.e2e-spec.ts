import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { inject } from 'vitest';
import { AuthBootstrap } from '../../../src/auth/auth.bootstrap.js';
import { PasswordService } from '../../../src/auth/password.service.js';
import { AppConfig } from '../../../src/config/app-config.js';
import { migrate } from '../../../src/database/migrator.js';
import { UsernamesService } from '../../../src/users/usernames.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createUser, TEST_PASSWORD, uniq } from '../../factories/index.js';

const ADMIN_VIEW_KEYS = ['approvedCommentCount', 'badge', 'ban', 'createdAt', 'displayName', 'email', 'id', 'role', 'username'];
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** AppConfig reads process.env when constructed: build one with overrides, as a restart with that env would. */
function configWith(overrides: Record<string, string | undefined>): AppConfig {
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  try {
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return new AppConfig();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('auth: first admin and role administration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('first-admin bootstrap (ensureAdmin)', () => {
    const ensureAdmin = (env: Record<string, string | undefined>) =>
      new AuthBootstrap(configWith(env), t.prisma, t.app.get(PasswordService), t.app.get(UsernamesService)).ensureAdmin();
    const adminEnv = () => {
      const username = uniq('boss');
      return { ADMIN_EMAIL: `${username.toUpperCase()}@Example.com`, ADMIN_PASSWORD: 'first admin password', ADMIN_USERNAME: username };
    };

    it('should create the admin once when ADMIN_EMAIL and ADMIN_PASSWORD are set, then do nothing', async () => {
      const env = adminEnv();
      const app = await startTestApp(env); // the same wiring main.ts uses
      try {
        expect(await app.app.get(AuthBootstrap).ensureAdmin()).toBe('created');
        expect(await app.app.get(AuthBootstrap).ensureAdmin()).toBe('exists');
      } finally {
        await app.close();
      }
      expect(await ensureAdmin(env)).toBe('exists');
      const rows = await t.prisma.user.findMany({ where: { email: env.ADMIN_EMAIL.toLowerCase() } });
      expect(rows.map((r) => ({ role: r.role, username: r.username }))).toEqual([{ role: 'admin', username: env.ADMIN_USERNAME }]);
      const login = await t.http.post('/api/auth/login').send({ login: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }).expect(200);
      expect(login.body.user.role).toBe('admin');
    });

    it('should never overwrite a password changed after the first boot', async () => {
      const env = adminEnv();
      expect(await ensureAdmin(env)).toBe('created');
      const changed = 'a password the admin chose later';
      const email = env.ADMIN_EMAIL.toLowerCase();
      await t.prisma.user.update({ where: { email }, data: { passwordHash: await t.app.get(PasswordService).hash(changed) } });
      expect(await ensureAdmin(env)).toBe('exists');
      await t.http.post('/api/auth/login').send({ login: email, password: changed }).expect(200);
      await t.http.post('/api/auth/login').send({ login: email, password: env.ADMIN_PASSWORD }).expect(401);
    });

    it('should leave an existing non-admin account with that email alone (no silent escalation)', async () => {
      const u = await createUser(t);
      const before = await t.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
      expect(await ensureAdmin({ ADMIN_EMAIL: u.email, ADMIN_PASSWORD: 'some other password', ADMIN_USERNAME: uniq() })).toBe('not-admin');
      const after = await t.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
      expect(after).toEqual(before);
    });

    it('should log "first admin created" only when no other admin exists', async () => {
      await createUser(t, { role: 'admin' });
      const logged = vi.spyOn(Logger.prototype, 'log');
      try {
        expect(await ensureAdmin(adminEnv())).toBe('created');
        const messages = logged.mock.calls.map(([m]) => (m as { msg?: string }).msg);
        expect(messages).toContain('admin created from ADMIN_EMAIL (other admins already exist)');
        expect(messages).not.toContain('first admin created');
      } finally {
        logged.mockRestore();
      }
    });

    it('should do nothing unless both ADMIN_EMAIL and ADMIN_PASSWORD are set', async () => {
      const env = adminEnv();
      expect(await ensureAdmin({ ...env, ADMIN_PASSWORD: undefined })).toBe('disabled');
      expect(await ensureAdmin({ ...env, ADMIN_EMAIL: undefined })).toBe('disabled');
      expect(await t.prisma.user.count({ where: { email: env.ADMIN_EMAIL.toLowerCase() } })).toBe(0);
    });

    it('should not create an admin whose username is taken or whose password equals the username', async () => {
      const taken = await createUser(t);
      const env = adminEnv();
      expect(await ensureAdmin({ ...env, ADMIN_USERNAME: taken.username.toUpperCase() })).toBe('username-taken');
      expect(
        await ensureAdmin({
          ...env,
          ADMIN_PASSWORD: `${env.ADMIN_USERNAME}`.padEnd(10, '_'),
          ADMIN_USERNAME: `${env.ADMIN_USERNAME}`.padEnd(10, '_'),
        }),
      ).toBe('invalid');
      expect(await t.prisma.user.count({ where: { email: env.ADMIN_EMAIL.toLowerCase() } })).toBe(0);
    });
  });

  describe('GET /api/admin/users/:userId', () => {
    it('should give moderators and admins the admin view of a user', async () => {
      const target = await createUser(t);
      await t.prisma.user.update({
        where: { id: target.id },
        data: { bannedAt: new Date('2030-01-01T00:00:00Z'), banReason: 'spam', approvedCommentCount: 3 },
      });
      for (const role of ['moderator', 'admin'] as const) {
        const viewer = await createUser(t, { role });
        const res = await t.http.get(`/api/admin/users/${target.id}`).set(authHeader(viewer.token)).expect(200);
        expect(Object.keys(res.body.user).sort()).toEqual(ADMIN_VIEW_KEYS);
        expect(res.body.user).toMatchObject({
          id: target.id,
          email: target.email,
          username: target.username,
          role: 'reader',
          ban: { since: '2030-01-01T00:00:00.000Z', until: null, reason: 'spam' },
          approvedCommentCount: 3,
        });
        expect(JSON.stringify(res.body)).not.toMatch(/argon2|password/i);
      }
    });

    it('should answer a reader with 403 and an anonymous caller with 401', async () => {
      const reader = await createUser(t);
      expect((await t.http.get(`/api/admin/users/${reader.id}`).set(authHeader(reader.token)).expect(403)).body.error.code).toBe(
        'FORBIDDEN',
      );
      expect((await t.http.get(`/api/admin/users/${reader.id}`).expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    });

    it('should answer 404 USER_NOT_FOUND for an unknown or deleted user and 400 for a malformed id', async () => {
      const mod = await createUser(t, { role: 'moderator' });
      const gone = await createUser(t);
      await t.prisma.user.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
      for (const id of [MISSING_ID, gone.id]) {
        const res = await t.http.get(`/api/admin/users/${id}`).set(authHeader(mod.token)).expect(404);
        expect(res.body).toEqual({ error: { code: 'USER_NOT_FOUND', message: expect.any(String) } });
      }
      const bad = await t.http.get('/api/admin/users/not-a-uuid').set(authHeader(mod.token)).expect(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'userId', message: 'userId must be a UUID' }] });
    });
  });

  describe('PATCH /api/admin/users/:userId', () => {
    it('should let an admin make a reader a moderator, effective for that user’s existing token', async () => {
      const admin = await createUser(t, { role: 'admin' });
      const reader = await createUser(t);
      const peer = await createUser(t);
      await t.http.get(`/api/admin/users/${peer.id}`).set(authHeader(reader.token)).expect(403);
      const res = await t.http.patch(`/api/admin/users/${reader.id}`).set(authHeader(admin.token)).send({ role: 'moderator' }).expect(200);
      expect(res.body.user).toMatchObject({ id: reader.id, role: 'moderator' });
      expect(Object.keys(res.body.user).sort()).toEqual(ADMIN_VIEW_KEYS);
      await t.http.get(`/api/admin/users/${peer.id}`).set(authHeader(reader.token)).expect(200);
      const audit = await t.prisma.moderationAction.findMany({ where: { targetUserId: reader.id, action: 'role_change' } });
      expect(audit).toEqual([expect.objectContaining({ moderatorId: admin.id, reason: 'reader -> moderator' })]);
    });

    it('should refuse readers (403), moderators (403) and anonymous callers (401)', async () => {
      const target = await createUser(t);
      for (const role of ['reader', 'moderator'] as const) {
        const caller = await createUser(t, { role });
        const res = await t.http.patch(`/api/admin/users/${target.id}`).set(authHeader(caller.token)).send({ role: 'admin' }).expect(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      expect((await t.http.patch(`/api/admin/users/${target.id}`).send({ role: 'admin' }).expect(401)).body.error.code).toBe(
        'UNAUTHENTICATED',
      );
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe('reader');
    });

    it('should answer 404 USER_NOT_FOUND for an unknown user and 400 for a bad id or role', async () => {
      const admin = await createUser(t, { role: 'admin' });
      const reader = await createUser(t);
      const missing = await t.http
        .patch(`/api/admin/users/${MISSING_ID}`)
        .set(authHeader(admin.token))
        .send({ role: 'moderator' })
        .expect(404);
      expect(missing.body.error.code).toBe('USER_NOT_FOUND');
      const badId = await t.http.patch('/api/admin/users/123').set(authHeader(admin.token)).send({ role: 'moderator' }).expect(400);
      expect(badId.body.error.details).toEqual([expect.objectContaining({ field: 'userId' })]);
      for (const body of [{ role: 'superuser' }, {}, { role: 'moderator', email: 'x@example.com' }]) {
        const res = await t.http.patch(`/api/admin/users/${reader.id}`).set(authHeader(admin.token)).send(body).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('should let an admin demote themselves while another active admin exists', async () => {
      // The shared test database has other admins; the last-admin rule is tested on a database of its own below.
      const a = await createUser(t, { role: 'admin' });
      await createUser(t, { role: 'admin' });
      const res = await t.http.patch(`/api/admin/users/${a.id}`).set(authHeader(a.token)).send({ role: 'reader' }).expect(200);
      expect(res.body.user.role).toBe('reader');
      await t.http.patch(`/api/admin/users/${a.id}`).set(authHeader(a.token)).send({ role: 'admin' }).expect(403);
    });
  });

  describe('last admin (own database: the count of admins must be known)', () => {
    let iso: TestApp;
    let dbName: string;
    const adminUrl = inject('adminDatabaseUrl');

    const withAdminClient = async (sql: string) => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };

    beforeAll(async () => {
      dbName = `newsroom_lastadmin_${process.pid}_${randomBytes(3).toString('hex')}`;
      await withAdminClient(`CREATE DATABASE ${dbName}`);
      const url = new URL(adminUrl);
      url.pathname = `/${dbName}`;
      await migrate(url.toString());
      iso = await startTestApp({ DATABASE_URL: url.toString() });
    });
    afterAll(async () => {
      await iso?.close();
      await withAdminClient(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    });

    it('should refuse to demote the last admin with 409 LAST_ADMIN, and allow it once another admin exists', async () => {
      const a = await createUser(iso, { role: 'admin' });
      const b = await createUser(iso);
      expect(await iso.prisma.user.count({ where: { role: 'admin' } })).toBe(1);

      const refused = await iso.http.patch(`/api/admin/users/${a.id}`).set(authHeader(a.token)).send({ role: 'moderator' }).expect(409);
      expect(refused.body).toEqual({ error: { code: 'LAST_ADMIN', message: expect.any(String) } });
      expect((await iso.prisma.user.findUniqueOrThrow({ where: { id: a.id } })).role).toBe('admin');

      // Setting the role it already has is not a demotion.
      await iso.http.patch(`/api/admin/users/${a.id}`).set(authHeader(a.token)).send({ role: 'admin' }).expect(200);

      await iso.http.patch(`/api/admin/users/${b.id}`).set(authHeader(a.token)).send({ role: 'admin' }).expect(200);
      await iso.http.patch(`/api/admin/users/${a.id}`).set(authHeader(a.token)).send({ role: 'reader' }).expect(200);
      const last = await iso.http.patch(`/api/admin/users/${b.id}`).set(authHeader(b.token)).send({ role: 'reader' }).expect(409);
      expect(last.body.error.code).toBe('LAST_ADMIN');
    });

    it('should not count a banned admin as the remaining admin', async () => {
      const active = (await iso.prisma.user.findFirstOrThrow({ where: { role: 'admin' } })).id;
      const other = await createUser(iso, { role: 'admin' });
      await iso.prisma.user.update({ where: { id: other.id }, data: { bannedAt: new Date() } });
      const login = await iso.http
        .post('/api/auth/login')
        .send({ login: (await iso.prisma.user.findUniqueOrThrow({ where: { id: active } })).email, password: TEST_PASSWORD })
        .expect(200);
      const res = await iso.http
        .patch(`/api/admin/users/${active}`)
        .set(authHeader(login.body.accessToken))
        .send({ role: 'reader' })
        .expect(409);
      expect(res.body.error.code).toBe('LAST_ADMIN');
    });

    it('should keep one admin when two admins demote each other at the same time', async () => {
      const [x, y] = [await createUser(iso, { role: 'admin' }), await createUser(iso, { role: 'admin' })];
      // Leave exactly x and y as active admins.
      await iso.prisma.user.updateMany({ where: { role: 'admin', id: { notIn: [x.id, y.id] } }, data: { role: 'moderator' } });
      const results = await Promise.all([
        iso.http.patch(`/api/admin/users/${y.id}`).set(authHeader(x.token)).send({ role: 'reader' }),
        iso.http.patch(`/api/admin/users/${x.id}`).set(authHeader(y.token)).send({ role: 'reader' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(expect.arrayContaining([200]));
      expect(await iso.prisma.user.count({ where: { role: 'admin', bannedAt: null, deletedAt: null } })).toBe(1);
    });
  });
});
