import { randomUUID } from 'node:crypto';
import { RetentionService } from '../../../src/privacy/retention.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, postComment, TEST_PASSWORD, type TestUser } from '../../factories/index.js';

/**
 * The DSA records in the GDPR rights: the export holds the notices a reader sent, the decisions about them and their
 * appeals (and nothing of anyone else's); erasure keeps decisions and appeals under the pseudonym but removes the
 * notifier's contact data; the retention job removes it after RETENTION_NOTICE_CONTACT_DAYS.
 */
let t: TestApp;
let moderator: TestUser;
let admin: TestUser;

beforeAll(async () => {
  // Delete mode: an erased account's published comments lose their words too (and so their notices close).
  t = await startTestApp({ ERASURE_MODE: 'delete', RETENTION_NOTICE_CONTACT_DAYS: '100' });
  [moderator, admin] = await Promise.all([createUser(t, { role: 'moderator' }), createUser(t, { role: 'admin' })]);
});
afterAll(async () => {
  await t.close();
});

/** A comment by `author`, published at once (a post-moderated article of its own). */
async function published(author: TestUser) {
  return (await postComment(t, await createArticle(t, { moderationMode: 'post' }), author)).id;
}

const notice = (commentId: string, extra: Record<string, unknown> = {}) => ({
  commentId,
  category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  explanation: 'Обижда ме лично.',
  goodFaith: true,
  ...extra,
});

describe('GET /api/me/export with DSA records', () => {
  it("should hold the reader's notices, the decisions about them and their appeals, and nothing of anyone else's", async () => {
    const [reader, other] = [await createUser(t), await createUser(t)];
    // The reader notifies another reader's comment; someone else notifies the same comment.
    const target = await published(other);
    const mine = await t.http.post('/api/notices').set(authHeader(reader)).send(notice(target)).expect(201);
    await t.http
      .post('/api/notices')
      .send(notice(target, { notifierName: 'Друг Човек', notifierEmail: `someone.${randomUUID()}@example.bg` }))
      .expect(201);
    // A decision about the reader's own comment, and their appeal; a decision about the other reader.
    const own = await published(reader);
    await t.http.patch(`/api/admin/comments/${own}`).set(authHeader(moderator)).send({ status: 'rejected', reason: 'Обида' }).expect(200);
    await t.http
      .patch(`/api/admin/comments/${target}`)
      .set(authHeader(moderator))
      .send({ status: 'rejected', reason: 'Друга обида' })
      .expect(200);
    const [decision] = (await t.http.get('/api/me/decisions').set(authHeader(reader)).expect(200)).body.items;
    const appeal = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(reader))
      .send({ explanation: 'Не е обида.' })
      .expect(201);

    const res = await t.http.get('/api/me/export').set(authHeader(reader)).expect(200);
    const doc = JSON.parse(res.text) as {
      notices: Record<string, unknown>[];
      decisions: Record<string, unknown>[];
      appeals: Record<string, unknown>[];
    };
    expect(doc.notices).toEqual([
      expect.objectContaining({
        id: mine.body.notice.id,
        commentId: target,
        explanation: 'Обижда ме лично.',
        notifierName: reader.username,
        notifierEmail: reader.email,
        status: 'decided',
        outcome: 'action_taken',
      }),
    ]);
    expect(doc.decisions).toEqual([
      expect.objectContaining({
        id: decision.id,
        commentId: own,
        action: 'reject',
        decisionGround: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
        by: 'staff',
      }),
    ]);
    expect(doc.appeals).toEqual([
      expect.objectContaining({ id: appeal.body.appeal.id, decisionId: decision.id, status: 'open', explanation: 'Не е обида.' }),
    ]);
    // Nothing of the others: the other notifier, the decision about the other reader, the moderator.
    for (const secret of ['Друг Човек', 'someone.', 'Друга обида', moderator.id, moderator.username, other.id])
      expect(res.text).not.toContain(secret);
  });
});

describe('erasure and retention of DSA records', () => {
  it('should keep decisions and appeals under the pseudonym, and remove the notifier contact data the account left', async () => {
    const reader = await createUser(t);
    const other = await createUser(t);
    const target = await published(other);
    const signedIn = await t.http.post('/api/notices').set(authHeader(reader)).send(notice(target)).expect(201);
    // Sent anonymously, but with the account's address.
    const anonymous = await t.http
      .post('/api/notices')
      .send(notice(await published(other), { notifierName: 'Аз', notifierEmail: reader.email.toUpperCase() }))
      .expect(201);
    const own = await published(reader);
    const noticeAboutOwn = await t.http
      .post('/api/notices')
      .send(notice(own, { notifierName: 'Съсед', notifierEmail: `neighbour.${randomUUID()}@example.bg` }))
      .expect(201);
    const other2 = await published(reader);
    await t.http.patch(`/api/admin/comments/${other2}`).set(authHeader(moderator)).send({ status: 'spam' }).expect(200);
    const [decision] = (await t.http.get('/api/me/decisions').set(authHeader(reader)).expect(200)).body.items;
    await t.http.post(`/api/decisions/${decision.id}/appeals`).set(authHeader(reader)).send({ explanation: 'Не е спам.' }).expect(201);

    await t.http.delete('/api/me').set(authHeader(reader)).send({ password: TEST_PASSWORD }).expect(200);

    const notices = await t.prisma.notice.findMany({
      where: { id: { in: [signedIn.body.notice.id, anonymous.body.notice.id] } },
      select: { notifierName: true, notifierEmail: true, explanation: true, status: true },
    });
    expect(notices).toEqual([
      { notifierName: null, notifierEmail: null, explanation: 'Обижда ме лично.', status: 'open' },
      { notifierName: null, notifierEmail: null, explanation: 'Обижда ме лично.', status: 'open' },
    ]);
    // The erased comment has nothing left to act on.
    const closed = await t.prisma.notice.findUniqueOrThrow({
      where: { id: noticeAboutOwn.body.notice.id },
      select: { outcome: true, notifierName: true },
    });
    expect(closed).toEqual({ outcome: 'content_unavailable', notifierName: 'Съсед' });
    // The decision and the appeal stay, pointing at the pseudonym (a tombstone with no personal data).
    const kept = await t.prisma.statementOfReasons.findUniqueOrThrow({
      where: { id: decision.id },
      select: { userId: true, appeals: { select: { appellantId: true } } },
    });
    expect(kept).toEqual({ userId: reader.id, appeals: [{ appellantId: reader.id }] });
    const tombstone = await t.prisma.user.findUniqueOrThrow({ where: { id: reader.id }, select: { email: true, username: true } });
    expect(tombstone.email).toBeNull();
    expect(tombstone.username).toMatch(/^deleted:/);
    // Staff can still answer the appeal.
    const queue = await t.http.get('/api/admin/appeals').set(authHeader(admin)).query({ limit: 100 }).expect(200);
    expect((queue.body.items as { decision: { id: string } }[]).some((i) => i.decision.id === decision.id)).toBe(true);
  });

  it('should decide an appeal whose author erased their account meanwhile: reversed, nothing left to restore, no 500', async () => {
    const reader = await createUser(t);
    const id = await published(reader);
    const slug = (await t.prisma.comment.findUniqueOrThrow({ where: { id }, select: { article: { select: { slug: true } } } })).article
      .slug;
    await t.http.delete(`/api/comments/${id}`).set(authHeader(moderator)).expect(204);
    const [decision] = (await t.http.get('/api/me/decisions').set(authHeader(reader)).expect(200)).body.items;
    const appeal = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(reader))
      .send({ explanation: 'Не е обида.' })
      .expect(201);
    await t.http.delete('/api/me').set(authHeader(reader)).send({ password: TEST_PASSWORD }).expect(200);

    // Restoring the removed comment would bring back a comment without words: it stays deleted.
    const res = await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(admin))
      .send({ outcome: 'reversed', explanation: 'Решението е отменено.' });
    expect(res.status).toBe(200);
    expect(res.body.appeal).toMatchObject({ status: 'reversed' });
    expect(await t.prisma.comment.findUniqueOrThrow({ where: { id }, select: { body: true, deletedAt: true } })).toEqual({
      body: '',
      deletedAt: expect.any(Date),
    });
    expect((await t.http.get(`/api/articles/${slug}/comments/count`).expect(200)).body.count).toBe(0);
  });

  it("should remove notifiers' contact data RETENTION_NOTICE_CONTACT_DAYS after the decision, and nothing sooner", async () => {
    const author = await createUser(t);
    const [a, b, c] = [await published(author), await published(author), await published(author)];
    const send = async (id: string) =>
      (
        await t.http
          .post('/api/notices')
          .send(notice(id, { notifierName: 'Читател', notifierEmail: `r.${randomUUID()}@example.bg` }))
          .expect(201)
      ).body.notice.id as string;
    const [old, recent, open] = [await send(a), await send(b), await send(c)];
    for (const id of [old, recent])
      await t.http
        .patch(`/api/admin/notices/${id}`)
        .set(authHeader(moderator))
        .send({ outcome: 'no_action', explanation: 'Мнение.' })
        .expect(200);
    await t.prisma.notice.update({
      where: { id: old },
      data: { decidedAt: new Date(Date.now() - 101 * 86_400_000), receivedAt: new Date(Date.now() - 102 * 86_400_000) },
    });
    await t.prisma.notice.update({ where: { id: recent }, data: { decidedAt: new Date(Date.now() - 99 * 86_400_000) } });
    const run = await t.app.get(RetentionService).runOnce();
    expect(run?.noticeContacts).toBeGreaterThanOrEqual(1);
    const rows = await t.prisma.notice.findMany({
      where: { id: { in: [old, recent, open] } },
      select: { id: true, notifierName: true, notifierEmail: true, notifierKey: true },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(old)).toMatchObject({ notifierName: null, notifierEmail: null });
    expect(byId.get(recent)).toMatchObject({ notifierName: 'Читател' });
    expect(byId.get(open)).toMatchObject({ notifierName: 'Читател' });
    // The notice itself stays for the transparency figures.
    expect(rows).toHaveLength(3);
  });
});
