import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, publishComment, type TestUser } from '../../factories/index.js';

/**
 * DSA notice-and-action (Art. 16), statements of reasons (Art. 17) and appeals (Art. 20), end to end through the API:
 * what the notifier, the author, the moderators and the audit log each see, and that the counters stay exact.
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

const count = async (slug: string) => (await t.http.get(`/api/articles/${slug}/comments/count`).expect(200)).body.count as number;

const notice = (commentId: string, extra: Record<string, unknown> = {}) => ({
  commentId,
  category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  categorySpecification: ['KEYWORD_DEFAMATION'],
  explanation: 'Коментарът твърди, че съседът ми краде, без доказателства: клевета.',
  notifierName: 'Мария Георгиева',
  notifierEmail: `maria.${randomUUID()}@example.bg`,
  goodFaith: true,
  ...extra,
});

async function auditOf(commentId: string) {
  const res = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).query({ comment: commentId }).expect(200);
  return (
    res.body.items as { action: string; fromStatus: string | null; toStatus: string | null; moderator: { id: string } | null }[]
  ).reverse();
}

describe('DSA notice-and-action: notice, decision with a statement, appeal, reversal', () => {
  it('should carry a notice through to a reversed decision, with exact counts, audit rows and both parties informed', async () => {
    const article = await createArticle(t);
    const author = await createUser(t);
    const commentId = await publishComment(t, article, author, moderator, { body: 'Съседът ми Петър краде от общината!' });
    expect(await count(article.slug)).toBe(1);

    // 1. Anyone may notify, without an account: the receipt, and the key to read the outcome.
    const sent = await t.http.post('/api/notices').send(notice(commentId)).expect(201);
    expect(sent.headers.location).toBe(`/api/notices/${sent.body.notice.id}`);
    expect(sent.body.notice).toMatchObject({
      status: 'received',
      commentId,
      category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      decision: null,
    });
    expect(Date.now() - Date.parse(sent.body.notice.receivedAt)).toBeLessThan(60_000);
    const key = sent.body.accessKey as string;
    const noticeId = sent.body.notice.id as string;
    expect((await t.http.get(`/api/notices/${noticeId}`).set('Notice-Key', key).expect(200)).body.notice.status).toBe('received');
    expect((await t.http.get(`/api/notices/${noticeId}`).expect(404)).body.error.code).toBe('NOTICE_NOT_FOUND');
    expect((await t.http.get(`/api/notices/${noticeId}`).set('Notice-Key', `${key}x`).expect(404)).body.error.code).toBe(
      'NOTICE_NOT_FOUND',
    );

    // 2. The comment stays visible, and enters the "noticed" queue with the notice's category and age. The notice
    //    is dated two hours back, so its age is a known number of seconds rather than about zero.
    expect(await count(article.slug)).toBe(1);
    const receivedAt = new Date(Date.now() - 2 * 3600_000);
    await t.prisma.notice.update({ where: { id: noticeId }, data: { receivedAt } });
    const ageBetween = (from: number, to: number) => [
      Math.floor((from - receivedAt.getTime()) / 1000),
      Math.ceil((to - receivedAt.getTime()) / 1000),
    ];
    const asked = Date.now();
    const queue = await t.http
      .get('/api/admin/comments')
      .set(authHeader(moderator))
      .query({ status: 'noticed', article: article.slug })
      .expect(200);
    const [minAge, maxAge] = ageBetween(asked, Date.now());
    expect(queue.body.items).toHaveLength(1);
    expect(queue.body.items[0].notices).toEqual([
      expect.objectContaining({
        id: noticeId,
        category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
        categorySpecification: ['KEYWORD_DEFAMATION'],
        notifierName: 'Мария Георгиева',
        notifierSignedIn: false,
      }),
    ]);
    expect(queue.body.items[0].notices[0]).toMatchObject({ receivedAt: receivedAt.toISOString() });
    expect(queue.body.items[0].notices[0].ageSeconds).toBeGreaterThanOrEqual(minAge!);
    expect(queue.body.items[0].notices[0].ageSeconds).toBeLessThanOrEqual(maxAge!);
    // The oldest open notice (any file's: the database is shared) is at least as old as this one, its age is its own.
    const summaryAsked = Date.now();
    const summary = await t.http.get('/api/admin/queue/summary').set(authHeader(moderator)).expect(200);
    const summaryAnswered = Date.now();
    expect(summary.body.counts.noticed).toBeGreaterThanOrEqual(1);
    const oldest = summary.body.oldestOpenNotice as { receivedAt: string; ageSeconds: number };
    expect(Date.parse(oldest.receivedAt)).toBeLessThanOrEqual(receivedAt.getTime());
    expect(oldest.ageSeconds).toBeGreaterThanOrEqual(Math.floor((summaryAsked - Date.parse(oldest.receivedAt)) / 1000));
    expect(oldest.ageSeconds).toBeLessThanOrEqual(Math.ceil((summaryAnswered - Date.parse(oldest.receivedAt)) / 1000));

    // 3. The moderator rejects it, on a legal ground, in the decision body.
    const decided = await t.http
      .patch(`/api/admin/comments/${commentId}`)
      .set(authHeader(moderator))
      .send({
        status: 'rejected',
        reason: 'Клевета',
        statement: {
          illegalContentLegalGround: 'чл. 147 от Наказателния кодекс (клевета)',
          illegalContentExplanation: 'Приписва престъпление на конкретен човек без доказателства.',
        },
      })
      .expect(200);
    expect(decided.body.adminComment.status).toBe('rejected');
    expect(await count(article.slug)).toBe(0);
    expect(
      (await t.http.get('/api/admin/comments').set(authHeader(moderator)).query({ status: 'noticed', article: article.slug }).expect(200))
        .body.items,
    ).toEqual([]);

    // 4. The author reads the statement of reasons: in their decisions and with the comment itself.
    const mine = await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200);
    expect(mine.body.items).toHaveLength(1);
    const decision = mine.body.items[0];
    expect(decision).toMatchObject({
      action: 'reject',
      commentRef: { id: commentId, articleSlug: article.slug },
      decisionVisibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      decisionAccount: null,
      decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT',
      illegalContentLegalGround: 'чл. 147 от Наказателния кодекс (клевета)',
      illegalContentExplanation: 'Приписва престъпление на конкретен човек без доказателства.',
      incompatibleContentGround: null,
      // From the notice: its category and keywords, and the source.
      category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      categorySpecification: ['KEYWORD_DEFAMATION'],
      sourceType: 'SOURCE_ARTICLE_16',
      automatedDetection: false,
      automatedDecision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
      decisionFacts: 'A moderator reviewed the comment and rejected it: Клевета',
      reversedAt: null,
      appeals: [],
      redress: { appealUrl: `/api/decisions/${decision.id}/appeals` },
    });
    expect(decision.puid).toBe(decision.id);
    expect(Date.parse(decision.redress.appealUntil) - Date.parse(decision.createdAt)).toBeGreaterThanOrEqual(181 * 86_400_000);
    const own = await t.http.get(`/api/comments/${commentId}`).set(authHeader(author)).expect(200);
    expect(own.body.comment).toMatchObject({
      status: 'rejected',
      decision: { id: decision.id, decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT' },
    });
    // Nobody else sees the comment, let alone the decision.
    await t.http.get(`/api/comments/${commentId}`).expect(404);
    expect(
      (
        await t.http
          .get(`/api/decisions/${decision.id}`)
          .set(authHeader(await createUser(t)))
          .expect(404)
      ).body.error.code,
    ).toBe('DECISION_NOT_FOUND');

    // 5. The notifier sees the outcome (Art. 16(5)).
    const outcome = (await t.http.get(`/api/notices/${noticeId}`).set('Notice-Key', key).expect(200)).body.notice;
    expect(outcome).toMatchObject({
      status: 'decided',
      decision: { outcome: 'action_taken', automatedDecision: false, redress: expect.stringContaining('Art. 21') },
    });
    expect(outcome.decision.explanation).toContain('чл. 147 от Наказателния кодекс');

    // 6. The author appeals; one open appeal per decision.
    const appeal = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(author))
      .send({ explanation: 'Това е истина, има решение на съда.' })
      .expect(201);
    expect(appeal.headers.location).toBe(`/api/decisions/${decision.id}/appeals/${appeal.body.appeal.id}`);
    expect(appeal.body.appeal).toMatchObject({ status: 'open', decisionId: decision.id, outcomeExplanation: null });
    expect(
      (await t.http.post(`/api/decisions/${decision.id}/appeals`).set(authHeader(author)).send({ explanation: 'Още веднъж' }).expect(409))
        .body.error.code,
    ).toBe('APPEAL_ALREADY_OPEN');
    // Only the recipient may appeal.
    expect(
      (
        await t.http
          .post(`/api/decisions/${decision.id}/appeals`)
          .set(authHeader(await createUser(t)))
          .send({ explanation: 'x' })
          .expect(404)
      ).body.error.code,
    ).toBe('DECISION_NOT_FOUND');

    // 7. The queue shows it with who decided; that moderator may not decide the appeal.
    const appeals = await t.http.get('/api/admin/appeals').set(authHeader(admin)).query({ limit: 100 }).expect(200);
    const item = (appeals.body.items as { appeal: { id: string } }[]).find((i) => i.appeal.id === appeal.body.appeal.id);
    expect(item).toMatchObject({
      decidedBy: { id: moderator.id },
      appellant: { id: author.id },
      commentBody: 'Съседът ми Петър краде от общината!',
    });
    const self = await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(moderator))
      .send({ outcome: 'reversed', explanation: 'x' })
      .expect(403);
    expect(self.body.error.code).toBe('APPEAL_SAME_DECIDER');

    // 8. Another member of staff reverses it: the comment is back, counted, and audited.
    const reversed = await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(admin))
      .send({ outcome: 'reversed', explanation: 'Авторът посочи съдебно решение: твърдението е вярно.' })
      .expect(200);
    expect(reversed.body.appeal).toMatchObject({
      status: 'reversed',
      outcomeExplanation: 'Авторът посочи съдебно решение: твърдението е вярно.',
    });
    expect(await count(article.slug)).toBe(1);
    expect((await t.http.get(`/api/comments/${commentId}`).expect(200)).body.comment.status).toBe('approved');
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id: author.id }, select: { approvedCommentCount: true } });
    expect(row.approvedCommentCount).toBe(1);
    expect(
      (
        await t.http
          .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
          .set(authHeader(admin))
          .send({ outcome: 'upheld', explanation: 'x' })
          .expect(409)
      ).body.error.code,
    ).toBe('APPEAL_ALREADY_DECIDED');
    const audit = await auditOf(commentId);
    // The restoration and the appeal's outcome share their transaction's timestamp: their order is not defined.
    expect(audit.map((a) => [a.action, a.fromStatus, a.toStatus]).slice(0, 2)).toEqual([
      ['approve', 'pending', 'approved'],
      ['reject', 'approved', 'rejected'],
    ]);
    expect(
      audit
        .slice(2)
        .map((a) => [a.action, a.fromStatus, a.toStatus])
        .sort(),
    ).toEqual([
      ['appeal_restore', 'rejected', 'approved'],
      ['appeal_reverse', null, null],
    ]);
    expect(audit.slice(2).every((a) => a.moderator?.id === admin.id)).toBe(true);

    // 9. The author sees the outcome, and the decision as lifted; nothing left to appeal.
    const after = (await t.http.get(`/api/decisions/${decision.id}`).set(authHeader(author)).expect(200)).body.decision;
    expect(after).toMatchObject({
      reversedBy: 'appeal',
      appeals: [{ status: 'reversed', outcomeExplanation: expect.any(String) }],
      redress: { appealUrl: null, appealUntil: null },
    });
    expect(after.reversedAt).not.toBeNull();
    expect(
      (await t.http.get(`/api/decisions/${decision.id}/appeals/${appeal.body.appeal.id}`).set(authHeader(author)).expect(200)).body.appeal
        .status,
    ).toBe('reversed');
    expect(
      (await t.http.post(`/api/decisions/${decision.id}/appeals`).set(authHeader(author)).send({ explanation: 'x' }).expect(409)).body.error
        .code,
    ).toBe('DECISION_REVERSED');
  });

  it('should keep a decision whose appeal is upheld, and let nobody but staff decide appeals', async () => {
    const article = await createArticle(t);
    const author = await createUser(t);
    const commentId = await publishComment(t, article, author, moderator);
    await t.http.patch(`/api/admin/comments/${commentId}`).set(authHeader(admin)).send({ status: 'spam' }).expect(200);
    const [decision] = (await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200)).body.items;
    // Defaults from the decision itself: the terms, own initiative.
    expect(decision).toMatchObject({
      action: 'spam',
      decisionGround: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      incompatibleContentGround: 'Community rules of the comment section',
      sourceType: 'SOURCE_VOLUNTARY',
      category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
    });
    const appeal = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(author))
      .send({ explanation: 'Не е спам' })
      .expect(201);
    await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(author))
      .send({ outcome: 'reversed', explanation: 'x' })
      .expect(403);
    await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(moderator))
      .send({ outcome: 'upheld', explanation: 'Рекламна връзка.' })
      .expect(200);
    expect(await count(article.slug)).toBe(0);
    const after = (await t.http.get(`/api/decisions/${decision.id}`).set(authHeader(author)).expect(200)).body.decision;
    expect(after).toMatchObject({ reversedAt: null, appeals: [{ status: 'upheld', outcomeExplanation: 'Рекламна връзка.' }] });
    // Upheld: still within the window, so a new appeal may follow.
    expect(after.redress.appealUrl).toBe(`/api/decisions/${decision.id}/appeals`);
  });

  it('should close appeals after DSA_APPEAL_WINDOW_MONTHS', async () => {
    const article = await createArticle(t);
    const author = await createUser(t);
    const commentId = await publishComment(t, article, author, moderator);
    await t.http.patch(`/api/admin/comments/${commentId}`).set(authHeader(moderator)).send({ status: 'rejected' }).expect(200);
    const [decision] = (await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200)).body.items;
    await t.prisma.statementOfReasons.update({ where: { id: decision.id }, data: { createdAt: new Date(Date.now() - 200 * 86_400_000) } });
    const late = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(author))
      .send({ explanation: 'Късно' })
      .expect(403);
    expect(late.body.error.code).toBe('APPEAL_WINDOW_CLOSED');
    expect((await t.http.get(`/api/decisions/${decision.id}`).set(authHeader(author)).expect(200)).body.decision.redress).toMatchObject({
      appealUrl: null,
      appealUntil: null,
    });
  });
});

describe('POST /api/notices', () => {
  let article: { id: string; slug: string };
  let commentId: string;
  beforeAll(async () => {
    article = await createArticle(t);
    commentId = await publishComment(t, article, await createUser(t), moderator);
  });

  it('should require name and email, except for child sexual abuse material (Art. 16(2)(c))', async () => {
    const anonymous = await t.http
      .post('/api/notices')
      .send(notice(commentId, { notifierName: undefined, notifierEmail: undefined }))
      .expect(400);
    expect(anonymous.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(anonymous.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['notifierEmail', 'notifierName']);
    // The category alone does not exempt: age restrictions are "protection of minors" too.
    await t.http
      .post('/api/notices')
      .send(
        notice(commentId, {
          notifierName: undefined,
          notifierEmail: undefined,
          category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
          categorySpecification: ['KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS'],
        }),
      )
      .expect(400);
    const csam = await t.http
      .post('/api/notices')
      .send(
        notice(commentId, {
          notifierName: undefined,
          notifierEmail: undefined,
          category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
          categorySpecification: ['KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL'],
        }),
      )
      .expect(201);
    const stored = await t.prisma.notice.findUniqueOrThrow({
      where: { id: csam.body.notice.id },
      select: { notifierName: true, notifierEmail: true, notifierKey: true },
    });
    expect(stored).toEqual({ notifierName: null, notifierEmail: null, notifierKey: null });
  });

  it('should refuse a notice without the good-faith confirmation, an unknown category, or about a hidden comment', async () => {
    for (const bad of [
      { goodFaith: false },
      { goodFaith: undefined },
      { category: 'STATEMENT_CATEGORY_RUDENESS' },
      { categorySpecification: ['KEYWORD_NOPE'] },
      { explanation: '   ' },
    ]) {
      const res = await t.http.post('/api/notices').send(notice(commentId, bad)).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const pending = (
      await t.http
        .post(`/api/articles/${article.slug}/comments`)
        .set(authHeader(await createUser(t)))
        .send({ body: 'чакащ' })
        .expect(201)
    ).body.comment.id;
    for (const id of [pending, randomUUID()])
      expect((await t.http.post('/api/notices').send(notice(id)).expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');
    expect(await t.prisma.notice.count({ where: { commentId: pending } })).toBe(0);
  });

  it('should fill in a signed-in reader, let them read it without the key, and refuse a second open notice', async () => {
    const reader = await createUser(t);
    const sent = await t.http
      .post('/api/notices')
      .set(authHeader(reader))
      .send(notice(commentId, { notifierName: undefined, notifierEmail: undefined }))
      .expect(201);
    const stored = await t.prisma.notice.findUniqueOrThrow({
      where: { id: sent.body.notice.id },
      select: { notifierName: true, notifierEmail: true, notifierUserId: true },
    });
    expect(stored).toEqual({ notifierName: reader.username, notifierEmail: reader.email, notifierUserId: reader.id });
    expect((await t.http.get(`/api/notices/${sent.body.notice.id}`).set(authHeader(reader)).expect(200)).body.notice.id).toBe(
      sent.body.notice.id,
    );
    await t.http
      .get(`/api/notices/${sent.body.notice.id}`)
      .set(authHeader(await createUser(t)))
      .expect(404);
    expect((await t.http.post('/api/notices').set(authHeader(reader)).send(notice(commentId)).expect(409)).body.error.code).toBe(
      'DUPLICATE_NOTICE',
    );
  });

  it('should let a reader flag a report as a notice, and tell the notifier when the moderator keeps the comment', async () => {
    const reader = await createUser(t);
    const target = await publishComment(t, article, await createUser(t), moderator);
    const res = await t.http
      .post(`/api/comments/${target}/reports`)
      .set(authHeader(reader))
      .send({
        reason: 'Разпространява лични данни на съседа си',
        notice: { category: 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS', goodFaith: true },
      })
      .expect(201);
    expect(res.body.report.reason).toBe('Разпространява лични данни на съседа си');
    expect(res.body.notice).toMatchObject({ status: 'received', category: 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS' });
    const stored = await t.prisma.notice.findUniqueOrThrow({
      where: { id: res.body.notice.id },
      select: { explanation: true, reportId: true },
    });
    expect(stored).toEqual({ explanation: 'Разпространява лични данни на съседа си', reportId: res.body.report.id });

    const kept = await t.http
      .patch(`/api/admin/notices/${res.body.notice.id}`)
      .set(authHeader(moderator))
      .send({ outcome: 'no_action', explanation: 'Няма лични данни в коментара.' })
      .expect(200);
    expect(kept.body.notice.decision).toMatchObject({ outcome: 'no_action', explanation: 'Няма лични данни в коментара.' });
    expect((await t.http.get(`/api/notices/${res.body.notice.id}`).set(authHeader(reader)).expect(200)).body.notice.status).toBe('decided');
    expect(
      (
        await t.http
          .patch(`/api/admin/notices/${res.body.notice.id}`)
          .set(authHeader(moderator))
          .send({ outcome: 'no_action', explanation: 'x' })
          .expect(409)
      ).body.error.code,
    ).toBe('NOTICE_ALREADY_DECIDED');
    expect((await t.http.get(`/api/comments/${target}`).expect(200)).body.comment.status).toBe('approved');
    expect((await auditOf(target)).map((a) => a.action)).toContain('notice_dismiss');
  });

  it('should close the notices without action when a moderator approves the comment, and as unavailable when its author deletes it', async () => {
    const post = await createArticle(t, { moderationMode: 'post' });
    const author = await createUser(t);
    const a = await publishComment(t, post, author, moderator);
    const b = await publishComment(t, post, author, moderator);
    const na = await t.http.post('/api/notices').send(notice(a)).expect(201);
    const nb = await t.http.post('/api/notices').send(notice(b)).expect(201);
    // Edited under notice on a post-moderated article: back to the queue instead of staying published.
    const edited = await t.http.patch(`/api/comments/${a}`).set(authHeader(author)).send({ body: 'поправен текст' }).expect(200);
    expect(edited.body.comment.status).toBe('pending');
    await t.http
      .patch(`/api/admin/comments/${a}`)
      .set(authHeader(moderator))
      .send({ status: 'approved', reason: 'Коментарът е мнение.' })
      .expect(200);
    expect(
      (await t.http.get(`/api/notices/${na.body.notice.id}`).set('Notice-Key', na.body.accessKey).expect(200)).body.notice.decision,
    ).toMatchObject({
      outcome: 'no_action',
      explanation: 'Коментарът е мнение.',
    });
    await t.http.delete(`/api/comments/${b}`).set(authHeader(author)).expect(204);
    expect(
      (await t.http.get(`/api/notices/${nb.body.notice.id}`).set('Notice-Key', nb.body.accessKey).expect(200)).body.notice.decision.outcome,
    ).toBe('content_unavailable');
    const counters = await t.prisma.comment.findMany({ where: { id: { in: [a, b] } }, select: { openNoticeCount: true } });
    expect(counters.map((c) => c.openNoticeCount)).toEqual([0, 0]);
  });
});

describe('statements of reasons for every restriction', () => {
  it('should give a fully automated statement for a rejection by the word filter', async () => {
    await t.http.post('/api/admin/word-filters').set(authHeader(admin)).send({ word: 'злословник', kind: 'banned' }).expect(201);
    const article = await createArticle(t);
    const author = await createUser(t);
    const posted = await t.http
      .post(`/api/articles/${article.slug}/comments`)
      .set(authHeader(author))
      .send({ body: 'ти си злословник' })
      .expect(201);
    expect(posted.body.comment.status).toBe('rejected');
    const [decision] = (await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200)).body.items;
    expect(decision).toMatchObject({
      action: 'filter_reject',
      commentRef: { id: posted.body.comment.id },
      automatedDetection: true,
      automatedDecision: 'AUTOMATED_DECISION_FULLY',
      category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      sourceType: 'SOURCE_VOLUNTARY',
    });
    expect(decision.decisionFacts).toContain('banned words: злословник');
    // An automatic decision has no decider: any member of staff may answer the appeal.
    const appeal = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(author))
      .send({ explanation: 'Шега' })
      .expect(201);
    await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(moderator))
      .send({ outcome: 'reversed', explanation: 'Неразбиране.' })
      .expect(200);
    expect(await count(article.slug)).toBe(1);
  });

  it('should give one statement per comment in a bulk decision, and refuse a statement with an approval', async () => {
    const article = await createArticle(t);
    const [a1, a2] = [await createUser(t), await createUser(t)];
    const ids = [
      await publishComment(t, article, a1, moderator),
      await publishComment(t, article, a2, moderator),
      await publishComment(t, article, a2, moderator),
    ];
    const res = await t.http
      .post('/api/admin/comments/bulk')
      .set(authHeader(moderator))
      .send({
        ids,
        status: 'rejected',
        reason: 'Реклама',
        statement: { category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', categorySpecification: ['KEYWORD_PHISHING'] },
      })
      .expect(200);
    expect(res.body.applied).toBe(3);
    const statements = await t.prisma.statementOfReasons.findMany({
      where: { commentId: { in: ids } },
      select: { commentId: true, userId: true, category: true, categorySpecification: true },
    });
    expect(statements).toHaveLength(3);
    expect(new Set(statements.map((s) => s.commentId))).toEqual(new Set(ids));
    expect(
      statements.every((s) => s.category === 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' && s.categorySpecification[0] === 'KEYWORD_PHISHING'),
    ).toBe(true);
    expect((await t.http.get('/api/me/decisions').set(authHeader(a2)).expect(200)).body.items).toHaveLength(2);
    const refused = await t.http
      .patch(`/api/admin/comments/${ids[0]}`)
      .set(authHeader(moderator))
      .send({ status: 'approved', statement: { category: 'STATEMENT_CATEGORY_VIOLENCE' } })
      .expect(400);
    expect(refused.body.error.details[0].field).toBe('statement');
  });

  it('should refuse inconsistent statement fields with clear details, and change nothing', async () => {
    const article = await createArticle(t);
    const id = await publishComment(t, article, await createUser(t), moderator);
    const cases: [Record<string, unknown>, string][] = [
      [{ decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT' }, 'statement.illegalContentLegalGround'],
      [{ manifestlyIllegal: true }, 'statement.manifestlyIllegal'],
      [{ illegalContentLegalGround: 'чл. 146 НК', incompatibleContentGround: 'т. 3' }, 'statement.incompatibleContentGround'],
    ];
    for (const [statement, field] of cases) {
      const res = await t.http
        .patch(`/api/admin/comments/${id}`)
        .set(authHeader(moderator))
        .send({ status: 'rejected', statement })
        .expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await t.http.get(`/api/comments/${id}`).expect(200)).body.comment.status).toBe('approved');
    expect(await t.prisma.statementOfReasons.count({ where: { commentId: id } })).toBe(0);
  });

  it('should give a statement for a removal by staff, and restore the comment when the appeal is reversed', async () => {
    const article = await createArticle(t);
    const author = await createUser(t);
    const id = await publishComment(t, article, author, moderator);
    await t.http.delete(`/api/comments/${id}`).set(authHeader(moderator)).expect(204);
    expect(await count(article.slug)).toBe(0);
    const [decision] = (await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200)).body.items;
    expect(decision).toMatchObject({
      action: 'delete',
      decisionVisibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      decisionFacts: 'A moderator removed the comment.',
    });
    const appeal = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(author))
      .send({ explanation: 'Защо?' })
      .expect(201);
    await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(admin))
      .send({ outcome: 'reversed', explanation: 'Грешка.' })
      .expect(200);
    expect(await count(article.slug)).toBe(1);
    expect((await t.http.get(`/api/comments/${id}`).expect(200)).body.comment).toMatchObject({ deleted: false, status: 'approved' });
    // An author's own deletion is no restriction: no statement.
    const own = await publishComment(t, article, author, moderator);
    await t.http.delete(`/api/comments/${own}`).set(authHeader(author)).expect(204);
    expect(await t.prisma.statementOfReasons.count({ where: { commentId: own } })).toBe(0);
  });

  it('should give statements for a ban (account) and the comments it rejected, and lift the account one with the ban', async () => {
    const article = await createArticle(t);
    const user = await createUser(t);
    const pending = (await t.http.post(`/api/articles/${article.slug}/comments`).set(authHeader(user)).send({ body: 'чака' }).expect(201))
      .body.comment.id;
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await t.http
      .post(`/api/admin/users/${user.id}/ban`)
      .set(authHeader(moderator))
      .send({
        reason: 'Тормоз',
        until,
        rejectPending: true,
        statement: { category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE', categorySpecification: ['KEYWORD_CYBER_HARASSMENT'] },
      })
      .expect(200);
    const statements = await t.prisma.statementOfReasons.findMany({ where: { userId: user.id }, orderBy: { action: 'asc' } });
    expect(statements.map((s) => [s.action, s.commentId, s.decisionAccount, s.decisionVisibility, s.category])).toEqual([
      ['ban', null, 'DECISION_ACCOUNT_SUSPENDED', [], 'STATEMENT_CATEGORY_CYBER_VIOLENCE'],
      ['ban_reject', pending, null, ['DECISION_VISIBILITY_CONTENT_REMOVED'], 'STATEMENT_CATEGORY_CYBER_VIOLENCE'],
    ]);
    expect(statements[0]!.restrictionEndsAt?.toISOString()).toBe(until);
    await t.http.delete(`/api/admin/users/${user.id}/ban`).set(authHeader(moderator)).expect(200);
    const lifted = await t.prisma.statementOfReasons.findFirstOrThrow({ where: { userId: user.id, action: 'ban' } });
    expect(lifted.reversedBy).toBe('moderation');
    // Signed in again, the user finds both decisions.
    const login = await t.http.post('/api/auth/login').send({ login: user.email, password: 'correct-horse-battery-staple' }).expect(200);
    expect(
      (await t.http.get('/api/me/decisions').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200)).body.items,
    ).toHaveLength(2);
  });
});
