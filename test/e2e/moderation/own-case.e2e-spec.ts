import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, postComment, publishComment, type TestUser } from '../../factories/index.js';

/**
 * Nobody decides their own case (issue 25): a moderator's own comment, their own appeal or one about their comment,
 * a notice about their comment, a ban of themselves. Each is 403 OWN_CASE (CANNOT_BAN_SELF for bans), and another
 * member of staff can still decide it.
 */
let t: TestApp;
let admin: TestUser;
let moderator: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await t.close();
});

const code = (res: { body: { error?: { code?: string } } }) => res.body.error?.code;
const REJECTION = {
  status: 'rejected',
  reason: 'Клевета',
  statement: {
    illegalContentLegalGround: 'чл. 147 от Наказателния кодекс (клевета)',
    illegalContentExplanation: 'Приписва престъпление на конкретен човек без доказателства.',
  },
};

describe('Staff and their own cases', () => {
  it('should refuse a moderator deciding their own comment, alone or in a bulk, and let another moderator decide it', async () => {
    const article = await createArticle(t);
    const own = await postComment(t, article, moderator);
    const other = await postComment(t, article, await createUser(t));

    const single = await t.http.patch(`/api/admin/comments/${own.id}`).set(authHeader(moderator)).send({ status: 'approved' }).expect(403);
    expect(code(single)).toBe('OWN_CASE');
    const versioned = await t.http
      .patch(`/api/admin/comments/${own.id}`)
      .set(authHeader(moderator))
      .send({ status: 'rejected', version: 1, reason: 'x' })
      .expect(403);
    expect(code(versioned)).toBe('OWN_CASE');

    const bulk = await t.http
      .post('/api/admin/comments/bulk')
      .set(authHeader(moderator))
      .send({ ids: [own.id, other.id], status: 'approved' })
      .expect(200);
    expect(bulk.body).toMatchObject({
      applied: 1,
      failed: 1,
      results: [
        { id: own.id, ok: false, error: { code: 'OWN_CASE' } },
        { id: other.id, ok: true, status: 'approved' },
      ],
    });
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: own.id }, select: { status: true } })).status).toBe('pending');

    await t.http.patch(`/api/admin/comments/${own.id}`).set(authHeader(admin)).send({ status: 'approved' }).expect(200);
  });

  it('should refuse a moderator deciding the appeal against the rejection of their own comment', async () => {
    const article = await createArticle(t);
    const commentId = await publishComment(t, article, moderator, admin);
    await t.http.patch(`/api/admin/comments/${commentId}`).set(authHeader(admin)).send(REJECTION).expect(200);
    const decision = (await t.http.get('/api/me/decisions').set(authHeader(moderator)).expect(200)).body.items.find(
      (d: { commentRef: { id: string } | null }) => d.commentRef?.id === commentId,
    ) as { id: string };
    const appeal = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(moderator))
      .send({ explanation: 'Това е вярно.' })
      .expect(201);

    const self = await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(moderator))
      .send({ outcome: 'reversed', explanation: 'Аз съм прав.' })
      .expect(403);
    expect(code(self)).toBe('OWN_CASE');
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: commentId }, select: { status: true } })).status).toBe('rejected');

    const other = await createUser(t, { role: 'moderator' });
    await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(other))
      .send({ outcome: 'upheld', explanation: 'Решението остава.' })
      .expect(200);
  });

  it('should refuse a moderator dismissing a notice about their own comment', async () => {
    const article = await createArticle(t);
    const commentId = await publishComment(t, article, moderator, admin);
    const sent = await t.http
      .post('/api/notices')
      .send({
        commentId,
        category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
        categorySpecification: ['KEYWORD_DEFAMATION'],
        explanation: 'Коментарът клевети съседа ми.',
        notifierName: 'Мария Георгиева',
        notifierEmail: `maria.${randomUUID()}@example.bg`,
        goodFaith: true,
      })
      .expect(201);
    const self = await t.http
      .patch(`/api/admin/notices/${sent.body.notice.id}`)
      .set(authHeader(moderator))
      .send({ outcome: 'no_action', explanation: 'Няма нищо незаконно.' })
      .expect(403);
    expect(code(self)).toBe('OWN_CASE');
    await t.http
      .patch(`/api/admin/notices/${sent.body.notice.id}`)
      .set(authHeader(admin))
      .send({ outcome: 'no_action', explanation: 'Няма нищо незаконно.' })
      .expect(200);
  });

  it('should refuse banning oneself', async () => {
    const res = await t.http.post(`/api/admin/users/${moderator.id}/ban`).set(authHeader(moderator)).send({ reason: 'me' }).expect(403);
    expect(code(res)).toBe('CANNOT_BAN_SELF');
  });
});
