import passport from 'passport';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createUser } from '../../factories/index.js';

/**
 * Authentication is Passport (passport-jwt, passport-local), but each application has its own `new Passport()`
 * instance. With passport's default instance the strategies live in a process-wide registry: the last app booted
 * in the process would authenticate for every app (with its own secret and its own, possibly closed, database).
 */
describe('auth: one Passport instance per application', () => {
  let a: TestApp;
  let b: TestApp | undefined;
  beforeAll(async () => {
    a = await startTestApp();
    // Same database, different signing secret: app B's strategies must not replace app A's.
    b = await startTestApp({ JWT_SECRET: 'app-b-secret-that-is-also-long-enough-0123456789' });
  });
  afterAll(async () => {
    await b?.close();
    await a.close();
  });

  it('should register no strategies on passport’s global default instance', () => {
    const registry = (passport as unknown as { _strategies: Record<string, unknown> })._strategies;
    expect(Object.keys(registry)).not.toContain('jwt');
    expect(Object.keys(registry)).not.toContain('local');
  });

  it('should have each app verify tokens with its own strategy (its own secret)', async () => {
    const ua = await createUser(a);
    const ub = await createUser(b!);
    await a.http.get('/api/auth/me').set(authHeader(ua.token)).expect(200);
    await b!.http.get('/api/auth/me').set(authHeader(ub.token)).expect(200);
    // The user exists in the shared database, but the other app's secret did not sign the token.
    expect((await a.http.get('/api/auth/me').set(authHeader(ub.token)).expect(401)).body.error.code).toBe('INVALID_TOKEN');
    expect((await b!.http.get('/api/auth/me').set(authHeader(ua.token)).expect(401)).body.error.code).toBe('INVALID_TOKEN');
  });

  it('should keep authenticating in app A (jwt and local) after app B is closed', async () => {
    const u = await createUser(a);
    await b!.close();
    b = undefined;
    // With the global registry these went through app B's strategies and its closed PrismaService: 503.
    const me = await a.http.get('/api/auth/me').set(authHeader(u.token)).expect(200);
    expect(me.body.user.id).toBe(u.id);
    const login = await a.http.post('/api/auth/login').send({ login: u.username, password: u.password }).expect(200);
    await a.http.get('/api/auth/me').set(authHeader(login.body.accessToken)).expect(200);
    expect(
      (await a.http.post('/api/auth/login').send({ login: u.username, password: 'wrong password!' }).expect(401)).body.error.code,
    ).toBe('INVALID_CREDENTIALS');
    // Optional authentication on a public route still goes through app A's strategy.
    await a.http.get('/api/articles').set(authHeader(u.token)).expect(200);
  });
});
