import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, postComment, TEST_PASSWORD, type TestUser } from '../../factories/index.js';

/**
 * DSA Art. 23 with thresholds of 2: a prior warning when the threshold is reached, the measure with the next
 * manifest case; suspensions and holds come with statements of reasons and audit rows, and can be appealed.
 */
let t: TestApp;
let admin: TestUser;
let moderator: TestUser;

beforeAll(async () => {
  t = await startTestApp({
    DSA_MISUSE_ILLEGAL_CONTENT_THRESHOLD: '2',
    DSA_MISUSE_SUSPENSION_DAYS: '10',
    DSA_MISUSE_UNFOUNDED_NOTICE_THRESHOLD: '2',
    DSA_MISUSE_NOTICE_HOLD_DAYS: '5',
  });
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await t.close();
});

const post = async (slug: string, author: TestUser) => (await postComment(t, { slug }, author)).id;

const illegal = (manifestlyIllegal: boolean) => ({
  status: 'rejected',
  reason: 'Заплаха',
  statement: {
    illegalContentLegalGround: 'чл. 144, ал. 3 от Наказателния кодекс (заплаха)',
    category: 'STATEMENT_CATEGORY_VIOLENCE',
    manifestlyIllegal,
  },
});

/** The misuse measures in the audit log about this user, newest first. */
const auditFor = async (userId: string) =>
  (
    (await t.http.get('/api/admin/audit-log').set(authHeader(admin)).query({ targetUser: userId }).expect(200)).body.items as {
      action: string;
    }[]
  )
    .map((a) => a.action)
    .filter((a) => a.startsWith('misuse'));

describe('authors of manifestly illegal content (Art. 23(1))', () => {
  it('should warn at the threshold, suspend at the next manifest case, and let the suspension be appealed', async () => {
    const { slug } = await createArticle(t, { moderationMode: 'post' });
    const author = await createUser(t);
    const reject = async (manifest: boolean) =>
      t.http
        .patch(`/api/admin/comments/${await post(slug, author)}`)
        .set(authHeader(moderator))
        .send(illegal(manifest))
        .expect(200);

    await reject(true);
    await reject(false); // illegal, but not manifestly: does not count
    expect(await t.prisma.misuseMeasure.count({ where: { userId: author.id } })).toBe(0);
    await reject(true);
    // Threshold reached: a prior warning, on the decision that reached it; no suspension yet.
    const decisions = (await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200)).body.items as {
      misuseWarning: unknown;
      manifestlyIllegal: boolean;
    }[];
    expect(decisions.map((d) => d.manifestlyIllegal)).toEqual([true, false, true]);
    expect(decisions[0]!.misuseWarning).toMatchObject({ message: expect.stringContaining('Art. 23(1)') });
    expect(decisions.slice(1).every((d) => d.misuseWarning === null)).toBe(true);
    expect(await auditFor(author.id)).toEqual(['misuse_warning']);

    // The next manifest case after the warning suspends the account for DSA_MISUSE_SUSPENSION_DAYS.
    const last = await post(slug, author);
    await t.http.patch(`/api/admin/comments/${last}`).set(authHeader(moderator)).send(illegal(true)).expect(200);
    const user = await t.prisma.user.findUniqueOrThrow({
      where: { id: author.id },
      select: { bannedAt: true, bannedUntil: true, banReason: true },
    });
    expect(user.bannedUntil!.getTime() - Date.now()).toBeGreaterThan(9.9 * 86_400_000);
    expect(user.bannedUntil!.getTime() - Date.now()).toBeLessThan(10.1 * 86_400_000);
    expect(user.banReason).toContain('Art. 23(1)');
    // Suspended: no more posting, but the author signs in, sees the suspension and reads its statement of reasons.
    expect(
      (await t.http.post(`/api/articles/${slug}/comments`).set(authHeader(author)).send({ body: 'Още?' }).expect(403)).body.error.code,
    ).toBe('USER_BANNED');
    const signedIn = await t.http.post('/api/auth/login').send({ login: author.email, password: TEST_PASSWORD }).expect(200);
    expect(signedIn.body.user.ban).toEqual({ until: user.bannedUntil!.toISOString(), reason: user.banReason });
    expect(await auditFor(author.id)).toEqual(['misuse_suspend', 'misuse_warning']);
    const suspension = await t.prisma.statementOfReasons.findFirstOrThrow({ where: { userId: author.id, action: 'misuse_suspension' } });
    expect(suspension).toMatchObject({
      decisionAccount: 'DECISION_ACCOUNT_SUSPENDED',
      decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT',
      automatedDecision: 'AUTOMATED_DECISION_PARTIALLY',
      decidedById: moderator.id,
      category: 'STATEMENT_CATEGORY_VIOLENCE',
    });
    expect(suspension.restrictionEndsAt?.getTime()).toBe(user.bannedUntil!.getTime());
    expect(suspension.illegalContentExplanation).toMatch(
      /^3 comments found manifestly illegal between \d{4}-\d{2}-\d{2} and \d{4}-\d{2}-\d{2}, after a warning on/,
    );

    const [listed] = (await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200)).body.items as {
      id: string;
      decisionAccount: string;
    }[];
    expect(listed).toMatchObject({ id: suspension.id, decisionAccount: 'DECISION_ACCOUNT_SUSPENDED' });

    // While suspended, the author appeals it (Art. 20(1)(c)); staff reverse it, and the author may post again.
    const appeal = await t.http
      .post(`/api/decisions/${suspension.id}/appeals`)
      .set(authHeader(author))
      .send({ explanation: 'Бях хакнат.' })
      .expect(201);
    await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(admin))
      .send({ outcome: 'reversed', explanation: 'Доказан пробив в профила.' })
      .expect(200);
    const lifted = await t.prisma.misuseMeasure.findFirstOrThrow({ where: { statementId: suspension.id } });
    expect(lifted.liftedAt).not.toBeNull();
    expect((await t.prisma.statementOfReasons.findUniqueOrThrow({ where: { id: suspension.id } })).reversedBy).toBe('appeal');
    expect((await t.http.get('/api/auth/me').set(authHeader(author)).expect(200)).body.user.ban).toBeNull();
    await post(slug, author);
  });

  it('should not count a decision that was reversed on appeal', async () => {
    const { slug } = await createArticle(t, { moderationMode: 'post' });
    const author = await createUser(t);
    const first = await post(slug, author);
    await t.http.patch(`/api/admin/comments/${first}`).set(authHeader(moderator)).send(illegal(true)).expect(200);
    const [decision] = (await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200)).body.items;
    const appeal = await t.http
      .post(`/api/decisions/${decision.id}/appeals`)
      .set(authHeader(author))
      .send({ explanation: 'Цитат.' })
      .expect(201);
    await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(admin))
      .send({ outcome: 'reversed', explanation: 'Цитат от статията.' })
      .expect(200);
    await t.http
      .patch(`/api/admin/comments/${await post(slug, author)}`)
      .set(authHeader(moderator))
      .send(illegal(true))
      .expect(200);
    expect(await t.prisma.misuseMeasure.count({ where: { userId: author.id } })).toBe(0);
  });
});

describe('notifiers of manifestly unfounded notices (Art. 23(2))', () => {
  it('should warn at the threshold, then put the notifier on hold, with a statement and audit rows', async () => {
    const { slug } = await createArticle(t, { moderationMode: 'post' });
    const author = await createUser(t);
    const email = `chronic.${randomUUID()}@example.bg`;
    const send = async () => {
      const commentId = await post(slug, author);
      const body = {
        commentId,
        category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
        explanation: 'Не ми харесва.',
        notifierName: 'Досаден',
        notifierEmail: email,
        goodFaith: true,
      };
      return (await t.http.post('/api/notices').send(body).expect(201)).body as { notice: { id: string }; accessKey: string };
    };
    const dismiss = (id: string, manifestlyUnfounded: boolean) =>
      t.http
        .patch(`/api/admin/notices/${id}`)
        .set(authHeader(moderator))
        .send({ outcome: 'no_action', explanation: 'Няма нищо незаконно.', manifestlyUnfounded })
        .expect(200);

    const n1 = await send();
    await dismiss(n1.notice.id, true);
    const n2 = await send();
    await dismiss(n2.notice.id, false);
    const n3 = await send();
    await dismiss(n3.notice.id, true);
    // The warning reaches the notifier with the notice that reached the threshold (the only channel they have).
    expect(
      (await t.http.get(`/api/notices/${n3.notice.id}`).set('Notice-Key', n3.accessKey).expect(200)).body.notice.warning,
    ).toMatchObject({ message: expect.stringContaining('Art. 23(2)') });
    expect((await t.http.get(`/api/notices/${n1.notice.id}`).set('Notice-Key', n1.accessKey).expect(200)).body.notice.warning).toBeNull();

    const n4 = await send();
    await dismiss(n4.notice.id, true);
    // On hold: the same address (any spelling) is refused, another one is not.
    const refused = await t.http
      .post('/api/notices')
      .send({
        commentId: await post(slug, author),
        category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
        explanation: 'Пак.',
        notifierName: 'Досаден',
        notifierEmail: email.toUpperCase(),
        goodFaith: true,
      })
      .expect(403);
    expect(refused.body.error).toMatchObject({ code: 'NOTIFIER_ON_HOLD' });
    const until = new Date(/until (\S+):/.exec(refused.body.error.message as string)![1]!);
    expect(until.getTime() - Date.now()).toBeGreaterThan(4.9 * 86_400_000);
    await t.http
      .post('/api/notices')
      .send({
        commentId: await post(slug, author),
        category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
        explanation: 'Друг човек.',
        notifierName: 'Друг',
        notifierEmail: `other.${randomUUID()}@example.bg`,
        goodFaith: true,
      })
      .expect(201);

    const hold = await t.prisma.statementOfReasons.findFirstOrThrow({
      where: {
        action: 'notifier_hold',
        measures: { some: { triggerNoticeId: null, subjectKey: { startsWith: 'email-hmac:' } } },
        createdAt: { gt: new Date(Date.now() - 60_000) },
      },
      orderBy: { createdAt: 'desc' },
    });
    expect(hold).toMatchObject({
      userId: null,
      decisionProvision: 'DECISION_PROVISION_PARTIAL_SUSPENSION',
      decisionGround: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      sourceType: 'SOURCE_VOLUNTARY',
    });
    expect(hold.incompatibleContentExplanation).toMatch(/^3 notices found manifestly unfounded/);
    const log = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).query({ limit: 100 }).expect(200);
    const actions = (log.body.items as { action: string; details: { noticeId?: string } | null }[]).filter((a) =>
      [n3.notice.id, n4.notice.id].includes(a.details?.noticeId ?? ''),
    );
    expect(actions.map((a) => a.action).sort()).toEqual(['notice_dismiss', 'notice_dismiss', 'notifier_hold', 'notifier_warning']);
  });
});
