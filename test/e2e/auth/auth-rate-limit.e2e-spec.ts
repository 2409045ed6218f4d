import { Controller, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import supertest from 'supertest';
import { AppModule } from '../../../src/app.module.js';
import type { AuthUser } from '../../../src/common/auth/auth-user.js';
import { CurrentUser } from '../../../src/common/auth/decorators.js';
import { AllExceptionsFilter } from '../../../src/common/errors/all-exceptions.filter.js';
import { createValidationPipe } from '../../../src/common/errors/validation.js';
import { RateLimit } from '../../../src/common/rate-limit/rate-limit.decorator.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createUser, TEST_PASSWORD, uniq } from '../../factories/index.js';

let ipSeq = 0;
/** A fresh client address per scenario (TRUST_PROXY=true = one trusted proxy hop: the app reads X-Forwarded-For). */
const freshIp = () => `198.51.100.${++ipSeq}`;

describe('auth: rate limits (RATE_LIMIT_ENABLED=true)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_ENABLED: 'true', TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (ip: string, body: object) => t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send(body);

  const expectLimited = (
    res: { status: number; body: { error: { code: string } }; headers: Record<string, string> },
    maxSeconds: number,
  ) => {
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  };

  it('should allow 10 logins a minute per IP, then answer 429 RATE_LIMITED with Retry-After', async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) await login(ip, { login: uniq('nobody'), password: 'wrong password!' }).expect(401);
    expectLimited(await login(ip, { login: uniq('nobody'), password: 'wrong password!' }), 60);
    // Another address is unaffected.
    await login(freshIp(), { login: uniq('nobody'), password: 'wrong password!' }).expect(401);
  });

  it('should allow 5 logins a minute per account from one address, then block it there while the owner signs in elsewhere', async () => {
    const u = await createUser(t);
    const attacker = freshIp();
    for (let i = 0; i < 5; i++) await login(attacker, { login: u.username, password: 'wrong password!' }).expect(401);
    expectLimited(await login(attacker, { login: u.username, password: u.password }), 60);
    // Spelling variants of the same account share the bucket…
    expectLimited(await login(attacker, { login: `  ${u.username.toUpperCase()} `, password: u.password }), 60);
    // …the owner at another address is not locked out…
    await login(freshIp(), { login: u.email, password: u.password }).expect(200);
    // …and another account from the attacker's address is not affected.
    const other = await createUser(t);
    await login(attacker, { login: other.email, password: other.password }).expect(200);
  });

  it('should cap one account at 50 attempts per 15 minutes from all addresses together', async () => {
    const u = await createUser(t);
    const many = (i: number) => `198.18.${Math.floor(i / 200)}.${(i % 200) + 1}`;
    for (let i = 0; i < 50; i++) await login(many(i), { login: u.username, password: 'wrong password!' }).expect(401);
    expectLimited(await login(many(50), { login: u.username, password: u.password }), 15 * 60);
  });

  it('should count one account once, whether it is named by email or by username', async () => {
    const u = await createUser(t);
    const ip = freshIp();
    const names = [u.email, u.username, u.email.toUpperCase(), ` ${u.username.toUpperCase()}`, u.email];
    for (const name of names) await login(ip, { login: name, password: 'wrong password!' }).expect(401);
    expectLimited(await login(ip, { login: u.username, password: u.password }), 60);
    expectLimited(await login(ip, { login: u.email, password: u.password }), 60);
  });

  it('should not let a client dodge the per-IP limit by writing its own X-Forwarded-For entries', async () => {
    const ip = freshIp();
    // The one trusted proxy appends the real address; whatever the client put before it is ignored.
    const spoofed = (i: number) =>
      login(`203.0.113.${i}, ${'x'.repeat(50)}, ${ip}`, { login: uniq('nobody'), password: 'wrong password!' });
    for (let i = 0; i < 10; i++) await spoofed(i).expect(401);
    expectLimited(await spoofed(99), 60);
  });

  it('should count invalid login bodies too (the limit runs before validation)', async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) await login(ip, { password: 'x' }).expect(400);
    expectLimited(await login(ip, { password: 'x' }), 60);
  });

  it('should group IPv6 clients by /64', async () => {
    for (let i = 1; i <= 10; i++)
      await login(`2001:db8:77:1::${i.toString(16)}`, { login: uniq('nobody'), password: 'wrong password!' }).expect(401);
    expectLimited(await login('2001:db8:77:1:ffff::1', { login: uniq('nobody'), password: 'wrong password!' }), 60);
    await login('2001:db8:77:2::1', { login: uniq('nobody'), password: 'wrong password!' }).expect(401);
  });

  it('should allow 10 registrations per 15 minutes per IP', async () => {
    const ip = freshIp();
    const register = () => {
      const name = uniq();
      return t.http
        .post('/api/auth/register')
        .set('X-Forwarded-For', ip)
        .send({ email: `${name}@example.com`, username: name, password: TEST_PASSWORD });
    };
    for (let i = 0; i < 10; i++) await register().expect(201);
    expectLimited(await register(), 15 * 60);
  });

  it('should allow 5 registration attempts per 15 minutes per email', async () => {
    const email = `${uniq('dup')}@example.com`;
    for (let i = 0; i < 5; i++) {
      await t.http
        .post('/api/auth/register')
        .set('X-Forwarded-For', freshIp())
        .send({ email, username: uniq(), password: 'short' })
        .expect(400);
    }
    const res = await t.http
      .post('/api/auth/register')
      .set('X-Forwarded-For', freshIp())
      .send({ email: email.toUpperCase(), username: uniq(), password: TEST_PASSWORD });
    expectLimited(res, 15 * 60);
  });

  it('should allow 30 refreshes a minute per IP', async () => {
    const ip = freshIp();
    for (let i = 0; i < 30; i++)
      await t.http
        .post('/api/auth/refresh')
        .set('X-Forwarded-For', ip)
        .send({ refreshToken: 'z'.repeat(43) })
        .expect(401);
    expectLimited(
      await t.http
        .post('/api/auth/refresh')
        .set('X-Forwarded-For', ip)
        .send({ refreshToken: 'z'.repeat(43) }),
      60,
    );
  });

  it('should leave routes without @RateLimit alone', async () => {
    const ip = freshIp();
    for (let i = 0; i < 40; i++) await t.http.get('/api/health/live').set('X-Forwarded-For', ip).expect(200);
  });
});

@Controller('rate-limit-probe')
class ProbeController {
  @RateLimit({ name: 'probe', limit: 2, windowSeconds: 60, per: 'user' })
  @Post()
  hit(@CurrentUser() user: AuthUser) {
    return { id: user.id };
  }
}

describe("auth: per: 'user' limits see the authenticated user (guard order)", () => {
  let app: NestFastifyApplication;
  let t: TestApp;
  beforeAll(async () => {
    const saved = process.env.RATE_LIMIT_ENABLED;
    process.env.RATE_LIMIT_ENABLED = 'true';
    try {
      // The real AppModule (its global guards in their real order) plus one probe route.
      const moduleRef = await Test.createTestingModule({ imports: [AppModule], controllers: [ProbeController] }).compile();
      app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    } finally {
      process.env.RATE_LIMIT_ENABLED = saved;
    }
    app.setGlobalPrefix('api');
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    t = await startTestApp(); // only to register users against the same database
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('should count per user, not per address', async () => {
    const http = supertest(app.getHttpServer());
    const [a, b] = [await createUser(t), await createUser(t)];
    await http.post('/api/rate-limit-probe').set(authHeader(a.token)).expect(201);
    await http.post('/api/rate-limit-probe').set(authHeader(a.token)).expect(201);
    const limited = await http.post('/api/rate-limit-probe').set(authHeader(a.token)).expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    // Same address, different user: a separate budget, which proves the guard saw req.user.
    await http.post('/api/rate-limit-probe').set(authHeader(b.token)).expect(201);
    await http.post('/api/rate-limit-probe').expect(401);
  });
});
