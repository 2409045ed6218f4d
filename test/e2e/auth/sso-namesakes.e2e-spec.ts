import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import {
  AUDIENCE,
  ISSUER,
  type JwksServer,
  publisherKey,
  type PublisherKey,
  signWithKey,
  startJwksServer,
} from '../../helpers/publisher.js';
import { normalizeUsername, usernameSkeleton } from '../../../src/users/username-rules.js';

/**
 * First sign-ins of readers who share a name (issue 25): with 30,000 accounts named `<base>`, `<base>1`…
 * `<base>30000` already present, a first sign-in costs what it costs with none, and concurrent first sign-ins under
 * the same name all succeed with distinct names (the name search never scans upward, a race draws a fresh name).
 */

const NAMESAKES = 30_000;
const CONCURRENT = 50;

let key: PublisherKey;
let jwks: JwksServer;
let t: TestApp;
// A database of its own: 30,000 accounts would slow every other file's user lists, and deleting them (with their
// foreign-key checks) took longer than the test; dropping the database takes a moment.
let db: ScratchDatabase;
const base = `nm${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  key = await publisherKey('rsa-namesakes', 'RS256');
  jwks = await startJwksServer([key.publicJwk]);
  db = await scratchDatabase('namesakes', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url, SSO_JWKS_URL: jwks.url, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE });
  const names = Array.from({ length: NAMESAKES + 1 }, (_, i) => (i === 0 ? base : `${base}${i}`));
  await t.prisma.pool.query(
    `INSERT INTO users (id, username, username_normalized, username_skeleton, updated_at)
     SELECT gen_random_uuid(), n, lower(n), s, now() FROM unnest($1::text[], $2::text[]) AS u(n, s)`,
    [names, names.map(usernameSkeleton)],
  );
}, 60_000);
afterAll(async () => {
  await t?.close();
  await db?.drop();
  await jwks?.close();
});

const signIn = async (claims: Record<string, unknown>) =>
  t.http
    .post('/api/auth/sso')
    .send({ token: await signWithKey(key, { claims: { sub: `ns-${Math.random().toString(36).slice(2)}`, ...claims } }) });

describe('POST /api/auth/sso: first sign-ins with a name 30,000 accounts share', () => {
  it('should create the account under a free name derived from the claim without scanning the namesakes', async () => {
    const started = Date.now();
    const res = await signIn({ username: base });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body.user.username).toMatch(new RegExp(`^${base}\\d{3,6}$`));
    // The upward scan took 5.5-11.5 s here; one query and one insert take milliseconds even on a loaded machine.
    expect(elapsed).toBeLessThan(3_000);
  });

  it('should give 50 concurrent first sign-ins under one name 50 accounts with distinct names', async () => {
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: CONCURRENT }, () => signIn({ username: base, name: 'Ivan Petrov' })));
    const elapsed = Date.now() - started;
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: CONCURRENT }, () => 200));
    const names = results.map((r) => (r.body as { user: { username: string } }).user.username);
    expect(new Set(names.map(normalizeUsername)).size).toBe(CONCURRENT);
    expect(new Set(names.map(usernameSkeleton)).size).toBe(CONCURRENT);
    // 10 concurrent took 48-79 s with the scan; 50 with a constant-time name take a few seconds at most.
    expect(elapsed).toBeLessThan(20_000);
  });
});
