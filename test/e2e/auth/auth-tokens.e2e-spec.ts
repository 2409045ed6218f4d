import { createHash } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../../src/config/app-config.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createUser } from '../../factories/index.js';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const decode = (token: string) => {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) };
};
const now = () => Math.floor(Date.now() / 1000);

describe('auth: access tokens, refresh rotation, bans', () => {
  let t: TestApp;
  let secret: string;
  const jwt = new JwtService();
  beforeAll(async () => {
    t = await startTestApp();
    secret = t.app.get(AppConfig).get('JWT_SECRET');
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (token: string) => t.http.get('/api/auth/me').set(authHeader(token));

  describe('access tokens', () => {
    it('should issue short-lived HS256 access tokens (15 minutes by default)', async () => {
      const u = await createUser(t);
      const { header, payload } = decode(u.token);
      expect(header.alg).toBe('HS256');
      expect(payload).toMatchObject({ sub: u.id, typ: 'access' });
      expect(payload.exp - payload.iat).toBe(900);
      expect(payload).not.toHaveProperty('role'); // the role is read from the database on every request
    });

    it('should accept a token it signed with the configured secret (control for the cases below)', async () => {
      const u = await createUser(t);
      const token = jwt.sign({ sub: u.id, typ: 'access' }, { secret, algorithm: 'HS256', expiresIn: 60 });
      await me(token).expect(200);
    });

    it('should answer 401 TOKEN_EXPIRED for an expired token', async () => {
      const u = await createUser(t);
      const token = jwt.sign({ sub: u.id, typ: 'access', iat: now() - 120, exp: now() - 60 }, { secret, algorithm: 'HS256' });
      const res = await me(token).expect(401);
      expect(res.body).toEqual({ error: { code: 'TOKEN_EXPIRED', message: expect.any(String) } });
    });

    it('should reject a token whose payload was altered (signature no longer matches)', async () => {
      const victim = await createUser(t);
      const attacker = await createUser(t);
      const [h, , s] = attacker.token.split('.');
      const forged = `${h}.${b64({ ...decode(attacker.token).payload, sub: victim.id })}.${s}`;
      const res = await me(forged).expect(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    });

    it('should reject a token with a corrupted signature', async () => {
      const u = await createUser(t);
      const [h, p, s] = u.token.split('.');
      const flipped = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
      expect((await me(flipped).expect(401)).body.error.code).toBe('INVALID_TOKEN');
    });

    it('should reject an unsigned token (alg: none)', async () => {
      const u = await createUser(t);
      const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: u.id, typ: 'access', iat: now(), exp: now() + 600 })}.`;
      expect((await me(token).expect(401)).body.error.code).toBe('INVALID_TOKEN');
    });

    it('should reject a token signed with another secret', async () => {
      const u = await createUser(t);
      const token = jwt.sign(
        { sub: u.id, typ: 'access' },
        { secret: 'another-secret-that-is-also-long-enough-0123', algorithm: 'HS256', expiresIn: 60 },
      );
      expect((await me(token).expect(401)).body.error.code).toBe('INVALID_TOKEN');
    });

    it('should reject another algorithm even with the right secret (HS512)', async () => {
      const u = await createUser(t);
      const token = jwt.sign({ sub: u.id, typ: 'access' }, { secret, algorithm: 'HS512', expiresIn: 60 });
      expect((await me(token).expect(401)).body.error.code).toBe('INVALID_TOKEN');
    });

    it('should reject a correctly signed token that is not an access token or has a malformed subject', async () => {
      const u = await createUser(t);
      for (const payload of [
        { sub: u.id },
        { sub: u.id, typ: 'refresh' },
        { sub: 'not-a-uuid', typ: 'access' },
        { sub: 42, typ: 'access' },
      ]) {
        const token = jwt.sign(payload, { secret, algorithm: 'HS256', expiresIn: 60 });
        expect((await me(token).expect(401)).body.error.code).toBe('INVALID_TOKEN');
      }
    });

    it('should reject a correctly signed token without exp, iat or sub', async () => {
      const u = await createUser(t);
      const sign = (payload: object, opts: { noTimestamp?: boolean } = {}) => jwt.sign(payload, { secret, algorithm: 'HS256', ...opts });
      const cases = {
        'no exp': sign({ sub: u.id, typ: 'access' }),
        'no iat': sign({ sub: u.id, typ: 'access', exp: now() + 600 }, { noTimestamp: true }),
        'no exp, no iat': sign({ sub: u.id, typ: 'access' }, { noTimestamp: true }),
        'no sub': sign({ typ: 'access', iat: now(), exp: now() + 600 }),
      };
      for (const [what, token] of Object.entries(cases)) {
        const res = await me(token);
        expect(res.status, what).toBe(401);
        expect(res.body.error.code, what).toBe('INVALID_TOKEN');
      }
    });

    it('should refuse a token issued longer ago than an access token lives, whatever its exp says', async () => {
      const u = await createUser(t);
      const token = jwt.sign({ sub: u.id, typ: 'access', iat: now() - 3600, exp: now() + 365 * 86_400 }, { secret, algorithm: 'HS256' });
      expect((await me(token).expect(401)).body.error.code).toBe('TOKEN_EXPIRED');
    });

    it('should reject a valid token for a user that does not exist', async () => {
      const token = jwt.sign({ sub: '00000000-0000-4000-8000-000000000000', typ: 'access' }, { secret, algorithm: 'HS256', expiresIn: 60 });
      expect((await me(token).expect(401)).body.error.code).toBe('INVALID_TOKEN');
    });

    it('should ignore a bad token on a public route instead of failing the request', async () => {
      await t.http.get('/api/articles').set(authHeader('garbage')).expect(200);
    });
  });

  describe('banned and deleted users', () => {
    it('should apply a ban at once to a token issued before it: 403 USER_BANNED on writes, its own account still readable', async () => {
      const u = await createUser(t);
      expect((await me(u.token).expect(200)).body.user.ban).toBeNull();
      await t.prisma.user.update({ where: { id: u.id }, data: { bannedAt: new Date(), banReason: 'spam' } });
      const post = await t.http.post('/api/articles/no-such-article/comments').set(authHeader(u.token)).send({ body: 'още' }).expect(403);
      expect(post.body).toEqual({ error: { code: 'USER_BANNED', message: expect.any(String) } });
      expect((await me(u.token).expect(200)).body.user.ban).toEqual({ until: null, reason: 'spam' });
    });

    it('should let a banned user refresh and sign in, with the ban in the user view (and a wrong password is still the uniform 401)', async () => {
      const u = await createUser(t);
      const until = new Date(Date.now() + 86_400_000);
      await t.prisma.user.update({ where: { id: u.id }, data: { bannedAt: new Date(), bannedUntil: until, banReason: 'обиди' } });
      const ban = { until: until.toISOString(), reason: 'обиди' };
      const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
      expect(refreshed.body.user).toMatchObject({ id: u.id, ban });
      const login = await t.http.post('/api/auth/login').send({ login: u.username, password: u.password }).expect(200);
      expect(login.body.user).toMatchObject({ id: u.id, ban });
      expect((await me(login.body.accessToken).expect(200)).body.user.ban).toEqual(ban);
      expect(
        (await t.http.post('/api/auth/login').send({ login: u.username, password: 'wrong password!' }).expect(401)).body.error.code,
      ).toBe('INVALID_CREDENTIALS');
    });

    it('should let a user back in when a timed ban has expired', async () => {
      const u = await createUser(t);
      const comment = (token: string) => t.http.post('/api/articles/no-such-article/comments').set(authHeader(token)).send({ body: 'x' });
      await t.prisma.user.update({
        where: { id: u.id },
        data: { bannedAt: new Date(Date.now() - 7_200_000), bannedUntil: new Date(Date.now() - 1000) },
      });
      expect((await me(u.token).expect(200)).body.user.ban).toBeNull();
      expect((await comment(u.token).expect(404)).body.error.code).toBe('ARTICLE_NOT_FOUND');
      await t.prisma.user.update({ where: { id: u.id }, data: { bannedUntil: new Date(Date.now() + 3_600_000) } });
      expect((await comment(u.token).expect(403)).body.error.code).toBe('USER_BANNED');
    });

    it('should refuse a deleted user everywhere with 401, and login without revealing the account', async () => {
      const u = await createUser(t);
      await t.prisma.user.update({ where: { id: u.id }, data: { deletedAt: new Date() } });
      expect((await me(u.token).expect(401)).body.error.code).toBe('INVALID_TOKEN');
      expect((await t.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401)).body.error.code).toBe(
        'INVALID_REFRESH_TOKEN',
      );
      const login = await t.http.post('/api/auth/login').send({ login: u.email, password: u.password }).expect(401);
      expect(login.body.error.code).toBe('INVALID_CREDENTIALS');
    });

    it('should apply a role change to tokens issued before it', async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      await t.http.get(`/api/admin/users/${other.id}`).set(authHeader(u.token)).expect(403);
      await t.prisma.user.update({ where: { id: u.id }, data: { role: 'moderator' } });
      await t.http.get(`/api/admin/users/${other.id}`).set(authHeader(u.token)).expect(200);
    });
  });

  describe('refresh tokens', () => {
    const refresh = (refreshToken: string) => t.http.post('/api/auth/refresh').send({ refreshToken });

    it('should store only a hash of the refresh token', async () => {
      const u = await createUser(t);
      const rows = await t.prisma.refreshToken.findMany({ where: { userId: u.id } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.tokenHash).toBe(createHash('sha256').update(u.refreshToken).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(u.refreshToken);
    });

    it('should rotate: a refresh returns a new pair and the new tokens work', async () => {
      const u = await createUser(t);
      const res = await refresh(u.refreshToken).expect(200);
      expect(res.body).toEqual({
        user: expect.objectContaining({ id: u.id }),
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
      });
      expect(res.body.refreshToken).not.toBe(u.refreshToken);
      await me(res.body.accessToken).expect(200);
      await refresh(res.body.refreshToken).expect(200);
    });

    it('should treat reuse of a rotated token as theft: 401 REFRESH_TOKEN_REUSED and the successor dies too', async () => {
      const u = await createUser(t);
      const second = (await refresh(u.refreshToken).expect(200)).body.refreshToken as string;
      const reuse = await refresh(u.refreshToken).expect(401);
      expect(reuse.body).toEqual({ error: { code: 'REFRESH_TOKEN_REUSED', message: expect.any(String) } });
      const successor = await refresh(second).expect(401);
      expect(successor.body.error.code).toBe('INVALID_REFRESH_TOKEN');
      const live = await t.prisma.refreshToken.count({ where: { userId: u.id, revokedAt: null } });
      expect(live).toBe(0);
    });

    it('should let only one of two concurrent uses of the same token win', async () => {
      const u = await createUser(t);
      const results = await Promise.all([refresh(u.refreshToken), refresh(u.refreshToken), refresh(u.refreshToken)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
      expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(2);
      // Whatever won, the reuse revoked the whole family.
      expect(await t.prisma.refreshToken.count({ where: { userId: u.id, revokedAt: null } })).toBe(0);
    });

    it('should keep other sessions alive when one session family is revoked', async () => {
      const u = await createUser(t);
      const other = (await t.http.post('/api/auth/login').send({ login: u.username, password: u.password }).expect(200)).body
        .refreshToken as string;
      await refresh(u.refreshToken).expect(200);
      await refresh(u.refreshToken).expect(401); // reuse: this family dies
      await refresh(other).expect(200);
    });

    it('should answer 401 INVALID_REFRESH_TOKEN for an unknown or expired token', async () => {
      expect((await refresh('x'.repeat(43)).expect(401)).body.error.code).toBe('INVALID_REFRESH_TOKEN');
      const u = await createUser(t);
      await t.prisma.refreshToken.updateMany({ where: { userId: u.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await refresh(u.refreshToken).expect(401)).body.error.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('should end a session at its absolute lifetime (90 days by default), however recently it was refreshed', async () => {
      const u = await createUser(t);
      const next = (await refresh(u.refreshToken).expect(200)).body.refreshToken as string;
      await t.prisma.refreshToken.updateMany({
        where: { userId: u.id },
        data: { familyStartedAt: new Date(Date.now() - 91 * 86_400_000) },
      });
      const res = await refresh(next).expect(401);
      expect(res.body.error.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('should not let a rotated refresh token outlive its family, and carry the family start along', async () => {
      const u = await createUser(t);
      const started = new Date(Date.now() - 80 * 86_400_000);
      await t.prisma.refreshToken.updateMany({ where: { userId: u.id }, data: { familyStartedAt: started } });
      const next = (await refresh(u.refreshToken).expect(200)).body.refreshToken as string;
      const row = await t.prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: createHash('sha256').update(next).digest('hex') } });
      expect(row.familyStartedAt.getTime()).toBe(started.getTime());
      // 10 days left of the 90, not the 30 days of a fresh rotation.
      expect(row.expiresAt.getTime()).toBe(started.getTime() + 90 * 86_400_000);
    });

    it('should validate the refresh body', async () => {
      const res = await t.http.post('/api/auth/refresh').send({}).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'refreshToken' })]));
    });
  });

  describe('POST /api/auth/logout', () => {
    it('should revoke the session: 204, then the refresh token no longer works', async () => {
      const u = await createUser(t);
      await t.http.post('/api/auth/logout').send({ refreshToken: u.refreshToken }).expect(204);
      const res = await t.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
      expect(res.body.error.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('should revoke the rotated successor of the presented token as well', async () => {
      const u = await createUser(t);
      const next = (await t.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200)).body.refreshToken as string;
      await t.http.post('/api/auth/logout').send({ refreshToken: next }).expect(204);
      await t.http.post('/api/auth/refresh').send({ refreshToken: next }).expect(401);
    });

    it('should be idempotent and not reveal whether a token existed', async () => {
      const u = await createUser(t);
      await t.http.post('/api/auth/logout').send({ refreshToken: u.refreshToken }).expect(204);
      await t.http.post('/api/auth/logout').send({ refreshToken: u.refreshToken }).expect(204);
      await t.http
        .post('/api/auth/logout')
        .send({ refreshToken: 'y'.repeat(43) })
        .expect(204);
    });

    it('should end the access tokens issued in the session at once, refreshed ones included', async () => {
      const u = await createUser(t);
      const refreshed = (await t.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200)).body as {
        accessToken: string;
        refreshToken: string;
      };
      const other = (await t.http.post('/api/auth/login').send({ login: u.email, password: u.password }).expect(200)).body
        .accessToken as string;
      await t.http.get('/api/auth/me').set(authHeader(u)).expect(200);
      await t.http.post('/api/auth/logout').send({ refreshToken: refreshed.refreshToken }).expect(204);
      for (const token of [u.token, refreshed.accessToken]) {
        const res = await t.http.get('/api/auth/me').set(authHeader(token)).expect(401);
        expect(res.body.error.code).toBe('INVALID_TOKEN');
      }
      // Another device's session is another sid.
      await t.http.get('/api/auth/me').set(authHeader(other)).expect(200);
    });

    it('should leave the user’s other sessions alone', async () => {
      const u = await createUser(t);
      const other = (await t.http.post('/api/auth/login').send({ login: u.email, password: u.password }).expect(200)).body
        .refreshToken as string;
      await t.http.post('/api/auth/logout').send({ refreshToken: u.refreshToken }).expect(204);
      await t.http.post('/api/auth/refresh').send({ refreshToken: other }).expect(200);
    });
  });
});
