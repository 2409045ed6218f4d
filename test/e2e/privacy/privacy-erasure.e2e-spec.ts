import { recount } from '../../../src/comment-core/recount.js';
import { WordFilterService } from '../../../src/word-filter/word-filter.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { AUDIENCE, ISSUER, SSO_SECRET, signWithSecret } from '../../helpers/publisher.js';
import { authHeader, createArticle, createUser, TEST_PASSWORD, type TestUser } from '../../factories/index.js';

/**
 * GDPR Art. 17: DELETE /api/me (and the admin's DELETE /api/admin/users/:userId), against the real app and PostgreSQL.
 * The erased account's data goes, its comments keep their threads and every count stays exact, signing in to it
 * becomes impossible by every route, and the audit log keeps only a pseudonymous id.
 */

const SSO = { SSO_SECRET, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE };

let t: TestApp;
/** ERASURE_MODE=delete, same database. */
let del: TestApp;
let admin: TestUser;
let moderator: TestUser;

const code = (res: { body: { error?: { code?: string } } }) => res.body.error?.code;

const post = (app: TestApp, u: TestUser, slug: string, body: string, parentId?: string) =>
  app.http
    .post(`/api/articles/${slug}/comments`)
    .set(authHeader(u))
    .send({ body, ...(parentId && { parentId }) });

const countOf = async (app: TestApp, slug: string) =>
  (await app.http.get(`/api/articles/${slug}/comments/count`).expect(200)).body.count as number;

/** The whole public thread of an article, oldest first. */
async function page(app: TestApp, slug: string) {
  const res = await app.http.get(`/api/articles/${slug}/comments?limit=100`).expect(200);
  return res.body.items as {
    id: string;
    body: string | null;
    author: { id: string; username: string } | null;
    deleted: boolean;
    parentId: string | null;
  }[];
}

/** No counter of these articles or users differs from a recount of the comments themselves. */
async function expectNoDrift(app: TestApp, articleIds: string[], userIds: string[]) {
  const drift = await recount(app.prisma.pool, { repair: false });
  expect(drift.articles.filter((d) => articleIds.includes(d.id))).toEqual([]);
  expect(drift.users.filter((d) => userIds.includes(d.id))).toEqual([]);
}

async function signIn(app: TestApp, u: TestUser) {
  return (await app.http.post('/api/auth/login').send({ login: u.email, password: TEST_PASSWORD }).expect(200)).body as {
    accessToken: string;
    refreshToken: string;
  };
}

beforeAll(async () => {
  // One after the other: startTestApp sets its overrides in process.env while the app reads its configuration.
  t = await startTestApp(SSO);
  del = await startTestApp({ ...SSO, ERASURE_MODE: 'delete' });
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await Promise.all([t?.close(), del?.close()]);
});
// The word lists are global data other test files change concurrently; these tests are about erasure.
beforeEach(() => {
  for (const app of [t, del]) vi.spyOn(app.app.get(WordFilterService), 'check').mockResolvedValue({ verdict: 'clean' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('DELETE /api/me: confirmation', () => {
  it('should refuse a wrong password, no confirmation and both at once, changing nothing', async () => {
    const u = await createUser(t);
    const wrong = await t.http.delete('/api/me').set(authHeader(u)).send({ password: 'not-the-password-1' }).expect(403);
    expect(wrong.body.error).toMatchObject({ code: 'REAUTHENTICATION_FAILED', details: [{ field: 'password' }] });
    expect(code(await t.http.delete('/api/me').set(authHeader(u)).send({}).expect(400))).toBe('VALIDATION_FAILED');
    expect(code(await t.http.delete('/api/me').set(authHeader(u)).send({ password: TEST_PASSWORD, ssoToken: 'x.y.z' }).expect(400))).toBe(
      'VALIDATION_FAILED',
    );
    expect(code(await t.http.delete('/api/me').send({ password: TEST_PASSWORD }).expect(401))).toBe('UNAUTHENTICATED');
    await t.http.get('/api/auth/me').set(authHeader(u)).expect(200);
    await expect(t.prisma.user.findUniqueOrThrow({ where: { id: u.id }, select: { deletedAt: true, email: true } })).resolves.toEqual({
      deletedAt: null,
      email: u.email,
    });
  });
});

describe('DELETE /api/me (ERASURE_MODE=anonymize, the default)', () => {
  it('should erase the account, keep published words without an author, erase pending and deleted ones, and keep threads and counts exact', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const pre = await createArticle(t, { moderationMode: 'pre' });
    const [u, other] = await Promise.all([createUser(t), createUser(t)]);
    const session = await signIn(t, u);

    const c1 = (await post(t, u, a.slug, 'Първият ми коментар').expect(201)).body.comment.id as string;
    await t.http.patch(`/api/comments/${c1}`).set(authHeader(u)).send({ body: 'Първият ми коментар, поправен' }).expect(200);
    const r1 = (await post(t, other, a.slug, 'Отговор от друг читател', c1).expect(201)).body.comment.id as string;
    const c2 = (await post(t, u, a.slug, 'Отговор на отговора', r1).expect(201)).body.comment.id as string;
    const c3 = (await post(t, u, a.slug, 'Това ще го изтрия сам').expect(201)).body.comment.id as string;
    await t.http.delete(`/api/comments/${c3}`).set(authHeader(u)).expect(204);
    const c4 = (await post(t, u, pre.slug, 'Чака одобрение').expect(201)).body.comment.id as string;
    await t.http.patch(`/api/comments/${c4}`).set(authHeader(u)).send({ body: 'Чака одобрение, поправено' }).expect(200);
    await t.http.post(`/api/comments/${r1}/reports`).set(authHeader(u)).send({ reason: 'Обида' }).expect(201);
    await t.http
      .post(`/api/admin/users/${u.id}/ban`)
      .set(authHeader(moderator))
      .send({ reason: `${u.username} обижда` })
      .expect(200);
    await t.http.delete(`/api/admin/users/${u.id}/ban`).set(authHeader(moderator)).expect(200);
    const relogin = await signIn(t, u);
    const before = { count: await countOf(t, a.slug), thread: await page(t, a.slug) };
    expect(before.count).toBe(3);

    const res = await t.http
      .delete('/api/me')
      .set(authHeader({ token: relogin.accessToken }))
      .send({ password: TEST_PASSWORD })
      .expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.erasure).toMatchObject({ mode: 'anonymize', comments: { anonymized: 2, erased: 2 }, sessionsEnded: 1 });

    // Threads keep their shape and the published words; the author is gone, the other reader is not.
    const after = await page(t, a.slug);
    expect(after.map((c) => [c.id, c.parentId, c.deleted])).toEqual(before.thread.map((c) => [c.id, c.parentId, c.deleted]));
    expect(after.find((c) => c.id === c1)).toMatchObject({ body: 'Първият ми коментар, поправен', author: null, deleted: false });
    expect(after.find((c) => c.id === c2)).toMatchObject({ body: 'Отговор на отговора', author: null, deleted: false });
    expect(after.find((c) => c.id === r1)).toMatchObject({ author: { id: other.id, username: other.username } });
    expect(await countOf(t, a.slug)).toBe(before.count);
    await expectNoDrift(t, [a.id, pre.id], [u.id, other.id]);

    // The stored account: a tombstone with no personal data, no sessions.
    const stored = await t.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(stored).toMatchObject({
      email: null,
      passwordHash: null,
      displayName: null,
      usernameSkeleton: null,
      role: 'reader',
      bannedAt: null,
      banReason: null,
    });
    expect(stored.username).toMatch(/^deleted:[0-9a-f]{16}$/);
    expect(stored.deletedAt).not.toBeNull();
    expect(await t.prisma.refreshToken.count({ where: { userId: u.id } })).toBe(0);
    // Pending and self-deleted comments lost their words and earlier versions; published ones kept theirs.
    const bodies = await t.prisma.comment.findMany({
      where: { authorId: u.id },
      select: { id: true, body: true, deletedAt: true, status: true },
    });
    expect(bodies.find((c) => c.id === c3)).toMatchObject({ body: '' });
    expect(bodies.find((c) => c.id === c4)).toMatchObject({ body: '', status: 'pending' });
    expect(bodies.find((c) => c.id === c4)!.deletedAt).not.toBeNull();
    expect(await t.prisma.commentRevision.count({ where: { commentId: c4 } })).toBe(0);
    expect(await t.prisma.commentRevision.count({ where: { commentId: c1 } })).toBe(1);

    // Every way in is closed: the access tokens from before, the refresh tokens, password login by email and name.
    for (const token of [u.token, relogin.accessToken])
      expect(code(await t.http.get('/api/auth/me').set(authHeader({ token })).expect(401))).toBe('INVALID_TOKEN');
    for (const refreshToken of [session.refreshToken, relogin.refreshToken])
      expect(code(await t.http.post('/api/auth/refresh').send({ refreshToken }).expect(401))).toBe('INVALID_REFRESH_TOKEN');
    for (const login of [u.email, u.username])
      expect(code(await t.http.post('/api/auth/login').send({ login, password: TEST_PASSWORD }).expect(401))).toBe('INVALID_CREDENTIALS');
    expect(code(await post(t, u, a.slug, 'още съм тук?').expect(401))).toBe('INVALID_TOKEN');

    // The audit log keeps the rows about the account with its pseudonymous id only: the old name is nowhere.
    const log = await t.http.get(`/api/admin/audit-log?targetUser=${u.id}&limit=100`).set(authHeader(moderator)).expect(200);
    expect(log.body.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['ban', 'unban', 'erase_account']));
    const text = JSON.stringify(log.body);
    expect(text).not.toContain(u.email);
    expect(text).not.toMatch(new RegExp(`"username":"${u.username}"`));
    const erasedRow = await t.prisma.moderationAction.findFirstOrThrow({ where: { targetUserId: u.id, action: 'erase_account' } });
    expect(erasedRow).toMatchObject({
      moderatorId: u.id,
      details: { requestedBy: 'account holder', mode: 'anonymize', comments: { anonymized: 2, erased: 2 } },
    });

    // The domain event log (live updates, webhooks) no longer names the account; it says the account was erased.
    const events = await t.prisma.domainEvent.findMany({
      where: { OR: [{ articleId: { in: [a.id, pre.id] } }, { articleId: null, data: { path: ['user', 'id'], equals: u.id } }] },
      orderBy: { id: 'asc' },
    });
    expect(events.filter((e) => JSON.stringify(e.data).includes(`"id":"${c1}"`)).length).toBeGreaterThan(0);
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain(u.username);
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain('Чака одобрение');
    expect(events.filter((e) => e.articleId === null).map((e) => e.type)).toEqual(['user.banned', 'user.unbanned', 'user.erased']);
    expect(events.at(-1)!.data).toEqual({ user: { id: u.id } });
    const published = events.find((e) => e.type === 'comment.created' && (e.data as { comment: { id: string } }).comment.id === c1)!;
    expect(published.data).toMatchObject({ comment: { id: c1, body: 'Първият ми коментар', author: null } });

    // The name is free again; the erased account is gone for admins too.
    await t.http
      .post('/api/auth/register')
      .send({ email: `again-${u.email}`, username: u.username, password: TEST_PASSWORD })
      .expect(201);
    expect(code(await t.http.get(`/api/admin/users/${u.id}`).set(authHeader(moderator)).expect(404))).toBe('USER_NOT_FOUND');
  });
});

describe('DELETE /api/me (ERASURE_MODE=delete)', () => {
  it('should erase the words of every comment, keep each as a placeholder in its thread and lower the counts exactly', async () => {
    const a = await createArticle(del, { moderationMode: 'post' });
    const [u, other] = await Promise.all([createUser(del), createUser(del)]);
    const mine = (await post(del, u, a.slug, 'Моят коментар').expect(201)).body.comment.id as string;
    await del.http.patch(`/api/comments/${mine}`).set(authHeader(u)).send({ body: 'Моят коментар, поправен' }).expect(200);
    const reply = (await post(del, other, a.slug, 'Не съм съгласен', mine).expect(201)).body.comment.id as string;
    const second = (await post(del, u, a.slug, 'Вторият ми коментар', reply).expect(201)).body.comment.id as string;
    expect(await countOf(del, a.slug)).toBe(3);

    const res = await del.http.delete('/api/me').set(authHeader(u)).send({ password: TEST_PASSWORD }).expect(200);
    expect(res.body.erasure).toMatchObject({ mode: 'delete', comments: { anonymized: 0, erased: 2 } });

    expect(await countOf(del, a.slug)).toBe(1);
    const thread = await page(del, a.slug);
    expect(thread.map((c) => [c.id, c.parentId, c.deleted, c.body])).toEqual([
      [mine, null, true, null],
      [reply, mine, false, 'Не съм съгласен'],
      [second, reply, true, null],
    ]);
    const stored = await del.prisma.comment.findMany({ where: { authorId: u.id }, select: { body: true } });
    expect(stored).toEqual([{ body: '' }, { body: '' }]);
    expect(await del.prisma.commentRevision.count({ where: { commentId: mine } })).toBe(0);
    await expectNoDrift(del, [a.id], [u.id, other.id]);
    // The events that carried the words now carry none; readers' streams were told of each removal.
    const events = await del.prisma.domainEvent.findMany({ where: { articleId: a.id }, orderBy: { id: 'asc' } });
    expect(JSON.stringify(events.map((e) => e.data))).not.toMatch(/Моят коментар|Вторият ми коментар/);
    expect(
      events
        .filter((e) => e.type === 'comment.deleted')
        .map((e) => (e.data as { comment: { id: string } }).comment.id)
        .sort(),
    ).toEqual([mine, second].sort());
    // One audit row per erased comment, in the same statements as the changes.
    expect(await del.prisma.moderationAction.count({ where: { action: 'erase', commentId: { in: [mine, second] } } })).toBe(2);
  });

  it('should leave no comment with words behind when posts race with the erasure', async () => {
    const a = await createArticle(del, { moderationMode: 'post' });
    const u = await createUser(del);
    await post(del, u, a.slug, 'преди изтриването').expect(201);
    const posts = Array.from({ length: 8 }, (_, i) => post(del, u, a.slug, `в движение ${i}`));
    const erasure = del.http.delete('/api/me').set(authHeader(u)).send({ password: TEST_PASSWORD });
    const [erased, ...answers] = await Promise.all([erasure, ...posts]);
    expect(erased.status).toBe(200);
    // Each post either committed before the erasure took the account (and was erased with it) or was refused.
    for (const r of answers) expect([201, 401]).toContain(r.status);
    const left = await del.prisma.comment.findMany({ where: { authorId: u.id }, select: { body: true, deletedAt: true } });
    expect(left.length).toBe(1 + answers.filter((r) => r.status === 201).length);
    for (const c of left) expect(c).toMatchObject({ body: '', deletedAt: expect.any(Date) });
    expect(await countOf(del, a.slug)).toBe(0);
    await expectNoDrift(del, [a.id], [u.id]);
  });
});

describe('DELETE /api/me for an account that signs in with the publisher', () => {
  const sso = (body: Record<string, unknown>) => t.http.post('/api/auth/sso').send(body);

  it('should take a fresh publisher token for this reader, refuse others, and make sign-in to the erased account impossible', async () => {
    const sub = `erase-${Math.random().toString(36).slice(2, 12)}`;
    const first = await sso({
      token: await signWithSecret(SSO_SECRET, { claims: { sub, name: 'Мария Иванова', email: `${sub}@publisher.test` } }),
    }).expect(200);
    const reader = { token: first.body.accessToken as string };
    const a = await createArticle(t, { moderationMode: 'post' });
    const commentId = (
      await t.http.post(`/api/articles/${a.slug}/comments`).set(authHeader(reader)).send({ body: 'Коментар през издателя' }).expect(201)
    ).body.comment.id;

    const refuse = async (body: Record<string, unknown>, reason: string) => {
      const res = await t.http.delete('/api/me').set(authHeader(reader)).send(body).expect(403);
      expect(res.body.error).toMatchObject({ code: 'REAUTHENTICATION_FAILED', details: [{ field: 'ssoToken', reason }] });
    };
    await refuse({ ssoToken: await signWithSecret(SSO_SECRET, { claims: { sub: `${sub}-someone-else` } }) }, 'SSO_IDENTITY_NOT_LINKED');
    await refuse(
      { ssoToken: await signWithSecret(SSO_SECRET, { claims: { sub }, iatOffset: -3600, expiresIn: 600 }) },
      'SSO_TOKEN_TOO_OLD',
    );
    await refuse({ ssoToken: await signWithSecret('another-publisher-secret-0123456789abcdef', { claims: { sub } }) }, 'SSO_BAD_SIGNATURE');
    // A password-less account has no password to confirm with.
    expect(code(await t.http.delete('/api/me').set(authHeader(reader)).send({ password: TEST_PASSWORD }).expect(403))).toBe(
      'REAUTHENTICATION_FAILED',
    );

    const res = await t.http
      .delete('/api/me')
      .set(authHeader(reader))
      .send({ ssoToken: await signWithSecret(SSO_SECRET, { claims: { sub } }) })
      .expect(200);
    expect(res.body.erasure.comments).toEqual({ anonymized: 1, erased: 0 });
    expect(await t.prisma.userIdentity.count({ where: { userId: first.body.user.id } })).toBe(0);
    expect(code(await t.http.get('/api/auth/me').set(authHeader(reader)).expect(401))).toBe('INVALID_TOKEN');
    expect(code(await t.http.post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(401))).toBe(
      'INVALID_REFRESH_TOKEN',
    );

    // The publisher's reader can come back, but as a new, empty account: the erased one is out of reach.
    const again = await sso({ token: await signWithSecret(SSO_SECRET, { claims: { sub, name: 'Мария Иванова' } }) }).expect(200);
    expect(again.body.user.id).not.toBe(first.body.user.id);
    expect(await t.prisma.comment.count({ where: { authorId: again.body.user.id } })).toBe(0);
    const kept = await t.http.get(`/api/comments/${commentId}`).expect(200);
    expect(kept.body.comment).toMatchObject({ body: 'Коментар през издателя', author: null, deleted: false });
  });
});

describe('staff erasing accounts', () => {
  it('should let an admin erase a reader on a request the newsroom received, audited with the reason', async () => {
    const u = await createUser(t);
    expect(code(await t.http.delete(`/api/admin/users/${u.id}`).set(authHeader(moderator)).send({ reason: 'x' }).expect(403))).toBe(
      'FORBIDDEN',
    );
    const res = await t.http.delete(`/api/admin/users/${u.id}`).set(authHeader(admin)).send({ reason: 'Искане по имейл №17' }).expect(200);
    expect(res.body.erasure.mode).toBe('anonymize');
    expect(code(await t.http.get('/api/auth/me').set(authHeader(u)).expect(401))).toBe('INVALID_TOKEN');
    await expect(
      t.prisma.moderationAction.findFirstOrThrow({ where: { targetUserId: u.id, action: 'erase_account' } }),
    ).resolves.toMatchObject({
      moderatorId: admin.id,
      reason: 'Искане по имейл №17',
      details: { requestedBy: 'admin' },
    });
    expect(code(await t.http.delete(`/api/admin/users/${u.id}`).set(authHeader(admin)).send({ reason: 'again' }).expect(404))).toBe(
      'USER_NOT_FOUND',
    );
  });

  it('should let a moderator erase their own account, keeping their decisions in the audit log under a pseudonym', async () => {
    const a = await createArticle(t, { moderationMode: 'pre' });
    const [mod, reader] = await Promise.all([createUser(t, { role: 'moderator' }), createUser(t)]);
    const c = (await post(t, reader, a.slug, 'Моля, одобрете').expect(201)).body.comment.id as string;
    await t.http.patch(`/api/admin/comments/${c}`).set(authHeader(mod)).send({ status: 'approved' }).expect(200);
    await t.http.delete('/api/me').set(authHeader(mod)).send({ password: TEST_PASSWORD }).expect(200);
    const log = await t.http.get(`/api/admin/audit-log?comment=${c}`).set(authHeader(admin)).expect(200);
    const approval = log.body.items.find((i: { action: string }) => i.action === 'approve');
    expect(approval.moderator.id).toBe(mod.id);
    expect(approval.moderator.username).toMatch(/^deleted:/);
    expect(await countOf(t, a.slug)).toBe(1);
  });
});

describe('the last admin', () => {
  let db: ScratchDatabase;
  let s: TestApp;
  beforeAll(async () => {
    db = await scratchDatabase('privacy_last_admin', { migrated: true });
    s = await startTestApp({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it('should not be able to erase their own account until another admin exists', async () => {
    const only = await createUser(s, { role: 'admin' });
    expect(code(await s.http.delete('/api/me').set(authHeader(only)).send({ password: TEST_PASSWORD }).expect(409))).toBe('LAST_ADMIN');
    await s.http.get('/api/auth/me').set(authHeader(only)).expect(200);
    const next = await createUser(s, { role: 'admin' });
    await s.http.delete('/api/me').set(authHeader(only)).send({ password: TEST_PASSWORD }).expect(200);
    await s.http.get('/api/auth/me').set(authHeader(next)).expect(200);
    expect(code(await s.http.delete('/api/me').set(authHeader(next)).send({ password: TEST_PASSWORD }).expect(409))).toBe('LAST_ADMIN');
  });
});
