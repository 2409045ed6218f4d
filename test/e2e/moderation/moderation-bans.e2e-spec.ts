import { randomUUID } from 'node:crypto';
import { commentSnapshotSelect, recordNewComment } from '../../../src/comment-core/comment-state.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, TEST_PASSWORD, type TestUser } from '../../factories/index.js';

let t: TestApp;
let admin: TestUser;
let moderator: TestUser;

const ban = (actor: TestUser, targetId: string, body: Record<string, unknown>) =>
  t.http.post(`/api/admin/users/${targetId}/ban`).set(authHeader(actor)).send(body);
const unban = (actor: TestUser, targetId: string) => t.http.delete(`/api/admin/users/${targetId}/ban`).set(authHeader(actor));
const login = (u: TestUser) => t.http.post('/api/auth/login').send({ login: u.email, password: TEST_PASSWORD });
const post = (u: TestUser, slug: string, body: string) => t.http.post(`/api/articles/${slug}/comments`).set(authHeader(u)).send({ body });

beforeAll(async () => {
  t = await startTestApp();
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await t.close();
});

describe('POST /api/admin/users/:userId/ban', () => {
  it('should lock the user out at once and reject their pending comments, with audit rows, in one go', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    const session = await login(user).expect(200);
    const pending = [
      (await post(user, a.slug, 'first pending').expect(201)).body.comment.id,
      (await post(user, a.slug, 'second pending').expect(201)).body.comment.id,
    ];
    const approved = await t.prisma.$transaction(async (tx) => {
      const c = await tx.comment.create({
        data: { articleId: a.id, authorId: user.id, body: 'already approved', status: 'approved' },
        select: commentSnapshotSelect,
      });
      await recordNewComment(tx, c, null);
      return c;
    });

    const res = await ban(moderator, user.id, { reason: 'repeated insults', rejectPending: true }).expect(200);
    expect(res.body).toMatchObject({
      user: { id: user.id, username: user.username, ban: { since: expect.any(String), until: null, reason: 'repeated insults' } },
      rejectedComments: 2,
    });
    expect(res.body.revokedSessions).toBeGreaterThanOrEqual(2);

    // The sessions are ended and posting is refused at once, with the old token too. The account may still sign in
    // and see its ban (and, with it, the statement of reasons and the appeal: test/e2e/auth/banned-access.e2e-spec.ts).
    expect((await post(user, a.slug, 'can I still post?').expect(403)).body.error.code).toBe('USER_BANNED');
    expect(await t.prisma.refreshToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect((await t.http.post('/api/auth/refresh').send({ refreshToken: session.body.refreshToken }).expect(401)).body.error.code).toBe(
      'INVALID_REFRESH_TOKEN',
    );
    expect((await t.http.get('/api/auth/me').set(authHeader(user)).expect(200)).body.user.ban).toEqual({
      since: expect.any(String),
      until: null,
      reason: 'repeated insults',
    });
    const again = await login(user).expect(200);
    expect(again.body.user.ban).toEqual({ since: expect.any(String), until: null, reason: 'repeated insults' });
    expect((await post({ ...user, token: again.body.accessToken }, a.slug, 'and now?').expect(403)).body.error.code).toBe('USER_BANNED');

    const rows = await t.prisma.comment.findMany({ where: { authorId: user.id }, select: { id: true, status: true, statusReason: true } });
    for (const id of pending) expect(rows.find((r) => r.id === id)).toMatchObject({ status: 'rejected', statusReason: 'repeated insults' });
    expect(rows.find((r) => r.id === approved.id)?.status).toBe('approved');
    expect((await t.http.get(`/api/articles/${a.slug}/comments/count`).expect(200)).body.count).toBe(1);

    const audit = await t.prisma.moderationAction.findMany({ where: { OR: [{ targetUserId: user.id }, { commentId: { in: pending } }] } });
    expect(audit.filter((r) => r.action === 'ban')).toEqual([
      expect.objectContaining({ commentId: null, targetUserId: user.id, moderatorId: moderator.id, reason: 'repeated insults' }),
    ]);
    const rejects = audit.filter((r) => r.action === 'ban_reject');
    expect(rejects.map((r) => r.commentId).sort()).toEqual([...pending].sort());
    for (const r of rejects)
      expect(r).toMatchObject({ moderatorId: moderator.id, fromStatus: 'pending', toStatus: 'rejected', reason: 'repeated insults' });

    const log = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).query({ targetUser: user.id }).expect(200);
    expect(log.body.items.map((i: { action: string }) => i.action).sort()).toEqual(['ban', 'ban_reject', 'ban_reject']);
    expect(log.body.items.find((i: { action: string }) => i.action === 'ban')).toMatchObject({
      commentId: null,
      targetUser: { id: user.id, username: user.username },
      moderator: { id: moderator.id, username: moderator.username },
    });
  });

  it('should leave pending comments alone without rejectPending', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    const id = (await post(user, a.slug, 'stays pending').expect(201)).body.comment.id;
    await ban(moderator, user.id, { reason: 'spam' }).expect(200);
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id } })).status).toBe('pending');
    expect(await t.prisma.moderationAction.count({ where: { commentId: id } })).toBe(0);
  });

  it('should restore access when the ban is lifted, and audit it', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    await ban(admin, user.id, { reason: 'cool down' }).expect(200);
    const res = await unban(moderator, user.id).expect(200);
    expect(res.body.user).toMatchObject({ id: user.id, ban: null });
    expect(res.body.user).not.toHaveProperty('banned');
    expect((await t.http.get('/api/auth/me').set(authHeader(user)).expect(200)).body.user.ban).toBeNull();
    await login(user).expect(200);
    await post(user, a.slug, 'back again').expect(201);
    const audit = await t.prisma.moderationAction.findMany({ where: { targetUserId: user.id }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((r) => [r.action, r.moderatorId])).toEqual([
      ['ban', admin.id],
      ['unban', moderator.id],
    ]);
    expect((await unban(moderator, user.id).expect(409)).body.error.code).toBe('USER_NOT_BANNED');
  });

  it('should ban until a future date, and refuse a past one', async () => {
    const user = await createUser(t);
    const past = await ban(moderator, user.id, { reason: 'x', until: new Date(Date.now() - 60_000).toISOString() }).expect(400);
    expect(past.body.error.details).toEqual([expect.objectContaining({ field: 'until' })]);
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const res = await ban(moderator, user.id, { reason: 'one day', until }).expect(200);
    // One shape for a ban: the admin view's is the account's own.
    expect(res.body.user.ban).toEqual({ since: expect.any(String), until, reason: 'one day' });
    expect((await login(user).expect(200)).body.user.ban).toEqual(res.body.user.ban);
  });

  it('should let a timed ban expire by itself', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    await ban(moderator, user.id, { reason: 'short', until: new Date(Date.now() + 60_000).toISOString() }).expect(200);
    expect((await post(user, a.slug, 'still banned').expect(403)).body.error.code).toBe('USER_BANNED');
    // As if the minute had passed.
    await t.prisma.user.update({
      where: { id: user.id },
      data: { bannedAt: new Date(Date.now() - 120_000), bannedUntil: new Date(Date.now() - 1_000) },
    });
    expect((await t.http.get('/api/auth/me').set(authHeader(user)).expect(200)).body.user.ban).toBeNull();
    expect((await login(user).expect(200)).body.user.ban).toBeNull();
    await post(user, a.slug, 'the ban is over').expect(201);
    const queue = await t.http.get('/api/admin/comments').set(authHeader(moderator)).query({ article: a.slug }).expect(200);
    expect(queue.body.items[0].author).toMatchObject({ id: user.id, banned: false });
  });

  it('should not let a moderator ban staff, nor anyone ban themselves', async () => {
    const otherMod = await createUser(t, { role: 'moderator' });
    const otherAdmin = await createUser(t, { role: 'admin' });
    for (const target of [otherMod, otherAdmin]) {
      const res = await ban(moderator, target.id, { reason: 'coup' }).expect(403);
      expect(res.body.error.code).toBe('CANNOT_BAN_STAFF');
    }
    expect((await ban(moderator, moderator.id, { reason: 'me' }).expect(403)).body.error.code).toBe('CANNOT_BAN_SELF');
    expect((await ban(admin, admin.id, { reason: 'me' }).expect(403)).body.error.code).toBe('CANNOT_BAN_SELF');
    await t.http.get('/api/auth/me').set(authHeader(otherMod)).expect(200);
    // An admin may ban a moderator; a moderator may not lift it.
    await ban(admin, otherMod.id, { reason: 'abuse of powers' }).expect(200);
    // A banned moderator has no staff powers left (test/e2e/auth/banned-access.e2e-spec.ts goes through every admin route).
    expect((await t.http.get('/api/admin/queue/summary').set(authHeader(otherMod)).expect(403)).body.error.code).toBe('USER_BANNED');
    expect((await unban(moderator, otherMod.id).expect(403)).body.error.code).toBe('CANNOT_BAN_STAFF');
    await unban(admin, otherMod.id).expect(200);
  });

  it('should answer 404 for an unknown user and 400 for bad input', async () => {
    const user = await createUser(t);
    expect((await ban(moderator, randomUUID(), { reason: 'x' }).expect(404)).body.error.code).toBe('USER_NOT_FOUND');
    expect((await unban(moderator, randomUUID()).expect(404)).body.error.code).toBe('USER_NOT_FOUND');
    await ban(moderator, 'not-a-uuid', { reason: 'x' }).expect(400);
    for (const body of [
      {},
      { reason: '' },
      { reason: '   ' },
      { reason: 'x'.repeat(501) },
      { reason: 'x', until: 'tomorrow' },
      { reason: 'x', until: '9999-12-31T23:59:59-14:00' },
      { reason: 'x', rejectPending: 'yes' },
      { reason: 'x', extra: 1 },
    ]) {
      const res = await ban(moderator, user.id, body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    await t.http.get('/api/auth/me').set(authHeader(user)).expect(200);
  });
});
