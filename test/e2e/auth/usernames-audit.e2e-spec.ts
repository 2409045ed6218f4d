import { fillUsernameSkeletons, findUsernameViolations } from '../../../src/users/username-audit.js';
import { ReservedUsernames, usernameSkeleton } from '../../../src/users/username-rules.js';
import { UsernamesService } from '../../../src/users/usernames.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { TEST_PASSWORD } from '../../factories/index.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';

/**
 * Accounts created before the username rules (own database: the report must list exactly these accounts). The
 * service gives them their skeleton at startup, oldest first; `npm run db:usernames` reports what is left.
 */
let db: ScratchDatabase;
let t: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await scratchDatabase('usernames_audit', { migrated: true });
  // Written straight to the database, as an older version of the service did: no skeleton.
  const seed = await startTestApp({ DATABASE_URL: db.url });
  const old = [
    ['copy_x', 'reader', '2020-01-01'], // the original
    ['сору_х', 'reader', '2021-01-01'], // all Cyrillic look-alikes of it, registered later
    ['аdmin_fan', 'reader', '2021-02-01'], // mixed scripts
    ['admin2', 'reader', '2021-03-01'], // a reader holding a staff name
    ['moderator', 'moderator', '2021-04-01'], // staff may
    ['iv\u200ban', 'reader', '2021-05-01'], // an invisible character
  ] as const;
  for (const [i, [username, role, created]] of old.entries()) {
    const row = await seed.prisma.user.create({
      data: {
        email: `old${i}@example.com`,
        username,
        usernameNormalized: username.toLowerCase(),
        passwordHash: 'x',
        role,
        createdAt: new Date(created),
      },
    });
    ids[username] = row.id;
  }
  await seed.close();
  t = await startTestApp({ DATABASE_URL: db.url }); // startup fills the skeletons
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe('usernames of accounts older than the rules', () => {
  it('should store the skeleton of every existing account at startup, the oldest of two look-alikes first', async () => {
    const rows = await t.prisma.user.findMany({ select: { id: true, usernameSkeleton: true } });
    const skeletonOf = new Map(rows.map((r) => [r.id, r.usernameSkeleton]));
    expect(skeletonOf.get(ids['copy_x']!)).toBe(usernameSkeleton('copy_x'));
    expect(skeletonOf.get(ids['сору_х']!)).toBeNull();
    expect(skeletonOf.get(ids['moderator']!)).toBe(usernameSkeleton('moderator'));
  });

  it('should report the look-alike pair for an admin to resolve', async () => {
    const result = await fillUsernameSkeletons(t.prisma.pool);
    expect(result).toEqual({
      filled: 0,
      collisions: [{ userId: ids['сору_х'], username: 'сору_х', collidesWith: { userId: ids['copy_x'], username: 'copy_x' } }],
    });
  });

  it('should report usernames that break the rules: mixed scripts, invisible characters, a reader with a staff name', async () => {
    const violations = await findUsernameViolations(t.prisma.pool, ReservedUsernames.forSite([]));
    expect(violations.map((v) => [v.username, v.problem]).sort()).toEqual(
      [
        ['admin2', 'reserved'],
        ['iv\u200ban', 'invisible'],
        ['аdmin_fan', 'mixed-script'],
      ].sort(),
    );
  });

  it('should refuse a new look-alike of an existing account once its skeleton is stored', async () => {
    // A zero for the o: another lookup form, the same skeleton as the stored one.
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: 'new@example.com', username: 'c0py_x', password: TEST_PASSWORD })
      .expect(409);
    expect(res.body.error.code).toBe('USERNAME_TAKEN');
  });

  it('should derive a free username from a publisher claim (for sign-in with the publisher)', async () => {
    const usernames = t.app.get(UsernamesService);
    // "Copy X" and its look-alikes are taken: the name with a random number (no scan for the lowest free one).
    expect((await usernames.deriveUnique('Copy X')).username).toMatch(/^Copy_X\d{3,6}$/);
    expect((await usernames.deriveUnique('сору х')).username).toMatch(/^сору_х\d{3,6}$/);
    expect(await usernames.deriveUnique('new.reader@example.com')).toMatchObject({ username: 'new_reader' });
    // A staff name only for staff.
    expect((await usernames.deriveUnique('Admin')).username).toMatch(/^reader(\d{3,6})?$/);
    expect((await usernames.deriveUnique('Admin', { staff: true })).username).toBe('Admin');
  });
});
