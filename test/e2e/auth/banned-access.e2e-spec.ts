import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, TEST_PASSWORD, type TestUser } from '../../factories/index.js';

/**
 * A banned (suspended) account keeps its legal rights (DSA Art. 17, 20; GDPR Art. 15, 17, 20): it signs in, reads the
 * statement of reasons for its ban and appeals it, exports and erases its data. Everything else stays refused with
 * 403 USER_BANNED, at once, also with tokens issued before the ban, and a banned member of staff has no staff powers.
 * Which route does what is pinned route by route in test/e2e/contract/route-banned-access.json (route-permissions.e2e-spec.ts).
 */
let t: TestApp;
let admin: TestUser;
let moderator: TestUser;
let seq = 0;

const code = (res: { body: { error?: { code?: string } } }) => res.body.error?.code;

beforeAll(async () => {
  // One manifestly illegal comment is the prior warning (Art. 23(1)), the next one suspends.
  t = await startTestApp({ DSA_MISUSE_ILLEGAL_CONTENT_THRESHOLD: '1', DSA_MISUSE_SUSPENSION_DAYS: '7' });
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await t.close();
});

const post = (slug: string, u: Pick<TestUser, 'token'>, body = `Коментар ${++seq}`) =>
  t.http.post(`/api/articles/${slug}/comments`).set(authHeader(u)).send({ body });
const postId = async (slug: string, u: TestUser, body?: string) => (await post(slug, u, body).expect(201)).body.comment.id as string;
const login = (u: TestUser) => t.http.post('/api/auth/login').send({ login: u.email, password: TEST_PASSWORD });
const me = (u: Pick<TestUser, 'token'>) => t.http.get('/api/auth/me').set(authHeader(u));

/** The user signed in again after the ban (a ban ends the account's sessions), with the token that gives. */
async function signInAgain(u: TestUser): Promise<TestUser & { refreshToken: string; ban: unknown }> {
  const res = await login(u).expect(200);
  return { ...u, token: res.body.accessToken, refreshToken: res.body.refreshToken, ban: res.body.user.ban };
}

interface Decision {
  id: string;
  action: string;
  decisionAccount: string | null;
  redress: { appealUrl: string | null };
}

describe('a reader banned by a moderator', () => {
  it('should sign in, see the ban and its statement of reasons, appeal it, and post again once another admin reverses it', async () => {
    const { slug } = await createArticle(t);
    const reader = await createUser(t);
    const pending = await postId(slug, reader, 'Чакам одобрение');
    const reason = 'Повтарящи се обиди към други читатели';
    await t.http
      .post(`/api/admin/users/${reader.id}/ban`)
      .set(authHeader(moderator))
      .send({ reason, statement: { category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE', categorySpecification: ['KEYWORD_CYBER_HARASSMENT'] } })
      .expect(200);

    // 1. Signs in (the ban ended the old sessions): 200, and the user view says banned, until when and why.
    const banned = await signInAgain(reader);
    expect(banned.ban).toEqual({ since: expect.any(String), until: null, reason });
    expect((await me(banned).expect(200)).body.user).toMatchObject({ id: reader.id, ban: { until: null, reason } });
    const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: banned.refreshToken }).expect(200);
    expect(refreshed.body.user.ban).toEqual({ since: expect.any(String), until: null, reason });

    // 2. Reads the statement of reasons for the suspension (DSA Art. 17), with the way to appeal.
    const decisions = (await t.http.get('/api/me/decisions').set(authHeader(banned)).expect(200)).body.items as Decision[];
    const decision = decisions.find((d) => d.decisionAccount === 'DECISION_ACCOUNT_SUSPENDED')!;
    expect(decision).toMatchObject({
      action: 'ban',
      commentRef: null,
      category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE',
      categorySpecification: ['KEYWORD_CYBER_HARASSMENT'],
      reversedAt: null,
      redress: { appealUrl: `/api/decisions/${decision.id}/appeals` },
    });
    expect((await t.http.get(`/api/decisions/${decision.id}`).set(authHeader(banned)).expect(200)).body.decision.id).toBe(decision.id);

    // Reading stays as it was for them: their own pending comment, on a private page.
    const page = await t.http.get(`/api/articles/${slug}/comments`).set(authHeader(banned)).expect(200);
    expect((page.body.items as { id: string; status: string }[]).map((c) => [c.id, c.status])).toEqual([[pending, 'pending']]);
    expect(page.headers['cache-control']).toBe('no-store');
    expect((await t.http.get(`/api/comments/${pending}`).set(authHeader(banned)).expect(200)).body.comment.status).toBe('pending');
    // But no posting.
    expect(code(await post(slug, banned).expect(403))).toBe('USER_BANNED');

    // 3. Appeals (Art. 20(1)(c): decisions to suspend the account) and follows the appeal.
    const appeal = await t.http
      .post(decision.redress.appealUrl!)
      .set(authHeader(banned))
      .send({ explanation: 'Цитирах статията, не обиждах никого.' })
      .expect(201);
    expect(
      (
        await t.http
          .get(appeal.headers.location as string)
          .set(authHeader(banned))
          .expect(200)
      ).body.appeal,
    ).toMatchObject({ status: 'open', decisionId: decision.id });
    expect(code(await t.http.post(decision.redress.appealUrl!).set(authHeader(banned)).send({ explanation: 'Пак' }).expect(409))).toBe(
      'APPEAL_ALREADY_OPEN',
    );

    // 4. Not the moderator who banned: another member of staff reverses it (Art. 20(6)).
    const appealId = appeal.body.appeal.id as string;
    expect(
      code(
        await t.http
          .patch(`/api/admin/appeals/${appealId}`)
          .set(authHeader(moderator))
          .send({ outcome: 'reversed', explanation: 'x' })
          .expect(403),
      ),
    ).toBe('APPEAL_SAME_DECIDER');
    await t.http
      .patch(`/api/admin/appeals/${appealId}`)
      .set(authHeader(admin))
      .send({ outcome: 'reversed', explanation: 'Цитат от статията, не обида.' })
      .expect(200);

    // 5. The same token: the ban is gone, and the reader posts again.
    expect((await me(banned).expect(200)).body.user.ban).toBeNull();
    await post(slug, banned, 'Благодаря, отново съм тук').expect(201);
    const after = (await t.http.get(`/api/decisions/${decision.id}`).set(authHeader(banned)).expect(200)).body.decision;
    expect(after).toMatchObject({ reversedBy: 'appeal', appeals: [{ id: appealId, status: 'reversed' }], redress: { appealUrl: null } });
  });

  it('should refuse posting, replying, editing, deleting and reporting with 403 USER_BANNED at once, with a token issued before the ban', async () => {
    const { slug } = await createArticle(t, { moderationMode: 'post' });
    const [reader, other] = await Promise.all([createUser(t), createUser(t)]);
    const own = await postId(slug, reader, 'Мой коментар');
    const theirs = await postId(slug, other, 'Чужд коментар');
    await t.http
      .post(`/api/admin/users/${reader.id}/ban`)
      .set(authHeader(moderator))
      .send({ reason: 'Спам', until: new Date(Date.now() + 86_400_000).toISOString() })
      .expect(200);

    const refused = [
      post(slug, reader),
      t.http.post(`/api/articles/${slug}/comments`).set(authHeader(reader)).send({ body: 'Отговор', parentId: theirs }),
      t.http.patch(`/api/comments/${own}`).set(authHeader(reader)).send({ body: 'Поправка' }),
      t.http.delete(`/api/comments/${own}`).set(authHeader(reader)),
      t.http.post(`/api/comments/${theirs}/reports`).set(authHeader(reader)).send({ reason: 'Обида' }),
    ];
    for (const res of await Promise.all(refused)) expect([res.status, code(res)]).toEqual([403, 'USER_BANNED']);
    // Nothing changed: no new comment, no edit, no deletion, no report.
    const stored = await t.prisma.comment.findMany({
      where: { article: { slug } },
      select: { id: true, body: true, deletedAt: true, reportCount: true },
      orderBy: { createdAt: 'asc' },
    });
    expect(stored).toEqual([
      { id: own, body: 'Мой коментар', deletedAt: null, reportCount: 0 },
      { id: theirs, body: 'Чужд коментар', deletedAt: null, reportCount: 0 },
    ]);

    // Public reads never fail for a banned token; where they do not identify the caller, it is simply ignored.
    const articles = await t.http.get('/api/articles').set(authHeader(reader)).expect(200);
    expect(articles.headers['cache-control']).not.toBe('no-store');
    expect((await t.http.get(`/api/articles/${slug}/comments/count`).set(authHeader(reader)).expect(200)).body.count).toBe(2);
  });

  it('should let a banned reader send a notice only as anyone may (the token is ignored), and read the notices they sent before', async () => {
    const { slug } = await createArticle(t, { moderationMode: 'post' });
    const [reader, other] = await Promise.all([createUser(t), createUser(t)]);
    const theirs = await postId(slug, other, 'Съседът краде');
    const notice = {
      commentId: theirs,
      category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      explanation: 'Клевета без доказателства.',
      goodFaith: true,
    };
    const before = await t.http.post('/api/notices').set(authHeader(reader)).send(notice).expect(201);
    await t.http.post(`/api/admin/users/${reader.id}/ban`).set(authHeader(moderator)).send({ reason: 'Спам' }).expect(200);

    // Signed in, the account's name and email would fill in the notifier; a banned account is anonymous here.
    const unnamed = await t.http
      .post('/api/notices')
      .set(authHeader(reader))
      .send({ ...notice, explanation: 'Пак клевета.' })
      .expect(400);
    expect(unnamed.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['notifierEmail', 'notifierName']);
    const named = await t.http
      .post('/api/notices')
      .set(authHeader(reader))
      .send({ ...notice, explanation: 'Пак клевета.', notifierName: 'Иван', notifierEmail: `ivan.${randomUUID()}@example.bg` })
      .expect(201);
    expect(
      (await t.prisma.notice.findUniqueOrThrow({ where: { id: named.body.notice.id }, select: { notifierUserId: true } })).notifierUserId,
    ).toBeNull();
    // The notice sent while in good standing is still theirs to follow (Art. 16(5)).
    expect((await t.http.get(`/api/notices/${before.body.notice.id}`).set(authHeader(reader)).expect(200)).body.notice.id).toBe(
      before.body.notice.id,
    );
  });
});

describe('an author suspended for manifestly illegal content (DSA Art. 23(1))', () => {
  it('should sign in, read the suspension, appeal it while suspended, and post again once it is reversed', async () => {
    const { slug } = await createArticle(t, { moderationMode: 'post' });
    const author = await createUser(t);
    const illegal = {
      status: 'rejected',
      reason: 'Заплаха',
      statement: {
        illegalContentLegalGround: 'чл. 144, ал. 3 от Наказателния кодекс (заплаха)',
        category: 'STATEMENT_CATEGORY_VIOLENCE',
        manifestlyIllegal: true,
      },
    };
    await t.http
      .patch(`/api/admin/comments/${await postId(slug, author)}`)
      .set(authHeader(moderator))
      .send(illegal)
      .expect(200); // the warning
    await t.http
      .patch(`/api/admin/comments/${await postId(slug, author)}`)
      .set(authHeader(moderator))
      .send(illegal)
      .expect(200); // the suspension

    // The suspension applies to the token the author already holds; the author signs in and sees it.
    expect(code(await post(slug, author).expect(403))).toBe('USER_BANNED');
    const suspended = await signInAgain(author);
    const row = await t.prisma.user.findUniqueOrThrow({
      where: { id: author.id },
      select: { bannedAt: true, bannedUntil: true, banReason: true },
    });
    expect(suspended.ban).toEqual({ since: row.bannedAt!.toISOString(), until: row.bannedUntil!.toISOString(), reason: row.banReason });
    expect(row.banReason).toContain('Art. 23(1)');

    const decisions = (await t.http.get('/api/me/decisions').set(authHeader(suspended)).expect(200)).body.items as Decision[];
    const suspension = decisions.find((d) => d.decisionAccount === 'DECISION_ACCOUNT_SUSPENDED')!;
    expect(suspension).toMatchObject({
      action: 'misuse_suspension',
      decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT',
      redress: { appealUrl: `/api/decisions/${suspension.id}/appeals` },
    });
    const appeal = await t.http
      .post(suspension.redress.appealUrl!)
      .set(authHeader(suspended))
      .send({ explanation: 'Профилът ми беше откраднат.' })
      .expect(201);
    await t.http
      .patch(`/api/admin/appeals/${appeal.body.appeal.id}`)
      .set(authHeader(admin))
      .send({ outcome: 'reversed', explanation: 'Доказан пробив в профила.' })
      .expect(200);

    expect((await me(suspended).expect(200)).body.user.ban).toBeNull();
    await post(slug, suspended).expect(201);
  });
});

describe('GDPR rights of a banned reader', () => {
  it('should let a banned reader export their data (the ban included) and erase their account', async () => {
    const { slug } = await createArticle(t);
    const reader = await createUser(t);
    await postId(slug, reader, 'Нещо мое');
    await t.http.post(`/api/admin/users/${reader.id}/ban`).set(authHeader(moderator)).send({ reason: 'Реклами' }).expect(200);
    const banned = await signInAgain(reader);

    const exported = await t.http.get('/api/me/export').set(authHeader(banned)).expect(200);
    expect(exported.headers['content-disposition']).toContain('attachment');
    const doc = JSON.parse(exported.text) as {
      account: { id: string; ban: unknown };
      comments: { body: string }[];
      decisions: { action: string }[];
    };
    expect(doc.account).toMatchObject({ id: reader.id, ban: { since: expect.any(String), until: null, reason: 'Реклами' } });
    expect(doc.comments.map((c) => c.body)).toEqual(['Нещо мое']);
    expect(doc.decisions.map((d) => d.action)).toContain('ban');

    const erased = await t.http.delete('/api/me').set(authHeader(banned)).send({ password: TEST_PASSWORD }).expect(200);
    expect(erased.body.erasure.erasedAt).toEqual(expect.any(String));
    expect(code(await me(banned).expect(401))).toBe('INVALID_TOKEN');
    expect(code(await login(reader).expect(401))).toBe('INVALID_CREDENTIALS');
  });
});

describe('a banned member of staff', () => {
  it('should keep no staff powers: /api/admin refused with USER_BANNED, no one else’s pending comments or decisions', async () => {
    const { slug } = await createArticle(t);
    const [mod, reader] = await Promise.all([createUser(t, { role: 'moderator' }), createUser(t)]);
    const pending = await postId(slug, reader, 'Чака модератор');
    await t.http
      .patch(`/api/admin/comments/${await postId(slug, reader)}`)
      .set(authHeader(mod))
      .send({ status: 'rejected', reason: 'Обида' })
      .expect(200);
    const [readerDecision] = (await t.http.get('/api/me/decisions').set(authHeader(reader)).expect(200)).body.items as Decision[];
    // In good standing the moderator sees both.
    await t.http.get(`/api/comments/${pending}`).set(authHeader(mod)).expect(200);
    await t.http.get(`/api/decisions/${readerDecision!.id}`).set(authHeader(mod)).expect(200);

    await t.http.post(`/api/admin/users/${mod.id}/ban`).set(authHeader(admin)).send({ reason: 'Злоупотреба с правата' }).expect(200);
    // The token from before the ban, and a new one: the role is still moderator, the powers are not.
    const banned = await signInAgain(mod);
    expect((await me(banned).expect(200)).body.user).toMatchObject({
      role: 'moderator',
      ban: { until: null, reason: 'Злоупотреба с правата' },
    });
    for (const u of [mod, banned]) {
      const refused = await Promise.all([
        t.http.get('/api/admin/comments').set(authHeader(u)),
        t.http.get('/api/admin/queue/summary').set(authHeader(u)),
        t.http.patch(`/api/admin/comments/${pending}`).set(authHeader(u)).send({ status: 'approved' }),
        t.http.post(`/api/admin/users/${reader.id}/ban`).set(authHeader(u)).send({ reason: 'отмъщение' }),
        t.http.get('/api/admin/appeals').set(authHeader(u)),
      ]);
      for (const res of refused) expect([res.status, code(res)]).toEqual([403, 'USER_BANNED']);
    }
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: pending }, select: { status: true } })).status).toBe('pending');
    // On the routes open to a banned account it reads as a reader: only its own.
    expect(code(await t.http.get(`/api/comments/${pending}`).set(authHeader(banned)).expect(404))).toBe('COMMENT_NOT_FOUND');
    expect(code(await t.http.get(`/api/decisions/${readerDecision!.id}`).set(authHeader(banned)).expect(404))).toBe('DECISION_NOT_FOUND');
    const own = (await t.http.get('/api/me/decisions').set(authHeader(banned)).expect(200)).body.items as Decision[];
    expect(own.map((d) => d.action)).toEqual(['ban']);

    // Lifted: the powers are back, with the same token.
    await t.http.delete(`/api/admin/users/${mod.id}/ban`).set(authHeader(admin)).expect(200);
    await t.http.get('/api/admin/queue/summary').set(authHeader(banned)).expect(200);
  });
});
