import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createComment, createUser, postComment, setCommentStatus, type TestUser } from '../../factories/index.js';

/**
 * The newsroom's triage rules (src/triage): which new and edited comments wait for a moderator, or are refused,
 * whatever the article's moderation mode, and the reason the queue shows. The rules apply to the whole site, so this
 * file runs on a database of its own: the rules it sets must not hold other files' comments.
 */
let db: ScratchDatabase;
let t: TestApp;
let admin: TestUser;
let moderator: TestUser;
let seq = 0;

const DEFAULTS = {
  newAccounts: { approvedBelow: 3, holdFirstComments: 0, holdYoungerThanDays: 0 },
  links: { hold: 'new_accounts', maxLinks: 0, allowedDomains: [] as string[] },
  history: { action: 'off', lastComments: 10, minDecided: 3, rejectedPercent: 50 },
  skip: { staff: true, trusted: true },
};
type Rules = typeof DEFAULTS;

async function article(opts: { moderation?: 'pre' | 'post'; url?: string } = {}) {
  const slug = `triage-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return t.prisma.article.create({
    data: {
      slug,
      title: `Правила ${seq}`,
      blocks: [{ type: 'paragraph', text: 'x' }],
      publishedAt: new Date(Date.UTC(2001, 0, 1)),
      moderationMode: opts.moderation ?? 'post',
      url: opts.url ?? null,
    },
    select: { id: true, slug: true },
  });
}

/** A reader with `approved` approved comments already (an established account from three on, by default). */
async function reader(approved = 0): Promise<TestUser> {
  const u = await createUser(t);
  if (approved) {
    const a = await article();
    for (let i = 0; i < approved; i++) await createComment(t, a, u, { status: 'approved', body: `По-ранно мнение ${i}` });
  }
  return u;
}

const setRules = async (rules: Rules) =>
  (await t.http.put('/api/admin/triage-rules').set(authHeader(admin)).send(rules).expect(200)).body.triageRules as Rules;
const hold = async (id: string) =>
  (await t.http.get(`/api/admin/comments/${id}`).set(authHeader(moderator)).expect(200)).body.item.hold as Record<string, unknown> | null;

beforeAll(async () => {
  db = await scratchDatabase('triage', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url, SEED_ARTICLE: 'false' });
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});
afterEach(async () => {
  await setRules(DEFAULTS);
});

describe('triage rules', () => {
  it("should hold a new account's comment with a link even on a post-moderated article, and tell the moderator why", async () => {
    const a = await article({ moderation: 'post', url: 'https://www.dnevnik-example.bg/politika/2026/12/07/pvo' });
    const [newcomer, regular] = await Promise.all([reader(), reader(3)]);
    const spam = await postComment(t, a, newcomer, { body: 'Евтини билети на http://cheap-flights.example/offer и www.spam.example' });
    expect(spam.status).toBe('pending');
    expect(await hold(spam.id)).toMatchObject({ source: 'rule', rule: 'links', matched: ['cheap-flights.example', 'www.spam.example'] });
    const item = (await t.http.get(`/api/admin/comments/${spam.id}`).set(authHeader(moderator)).expect(200)).body.item;
    expect(item.adminComment.statusReason).toContain('a link from a new account');
    // The queue filters by it, and the public count does not include it.
    const queue = await t.http
      .get('/api/admin/comments')
      .set(authHeader(moderator))
      .query({ status: 'pending', article: a.slug, holdSource: 'rule' })
      .expect(200);
    expect(queue.body.items.map((i: { adminComment: { id: string } }) => i.adminComment.id)).toEqual([spam.id]);
    // No link, a link to the article's own site, and an established reader's link: published at once.
    const plain = await postComment(t, a, newcomer, { body: 'Без връзки, само мнение.' });
    const own = await postComment(t, a, newcomer, { body: 'Вижте https://dnevnik-example.bg/drugi/statia' });
    const known = await postComment(t, a, regular, { body: 'Източник: https://example.org/report.pdf' });
    expect([plain.status, own.status, known.status]).toEqual(['approved', 'approved', 'approved']);
    const counted = await t.http.get(`/api/articles/${a.slug}/comments/count`).expect(200);
    expect(counted.body.count).toBe(3);
    // The audit log says a rule held it.
    expect(await t.prisma.moderationAction.count({ where: { commentId: spam.id, action: 'rule_hold' } })).toBe(1);
  });

  it('should let admins replace the rules (audited) and moderators read them, and refuse a bad rule set with the fields named', async () => {
    const before = (await t.http.get('/api/admin/triage-rules').set(authHeader(moderator)).expect(200)).body.triageRules;
    expect(before).toMatchObject(DEFAULTS);
    const wanted = { ...DEFAULTS, links: { hold: 'everyone', maxLinks: 1, allowedDomains: ['BTA.bg', ' parliament.bg '] } };
    const saved = await setRules(wanted);
    expect(saved.links.allowedDomains).toEqual(['bta.bg', 'parliament.bg']);
    expect((saved as unknown as { updatedAt: string }).updatedAt).toEqual(expect.any(String));
    const audit = await t.prisma.moderationAction.findFirstOrThrow({ where: { action: 'triage_rules' }, orderBy: { createdAt: 'desc' } });
    expect(audit.moderatorId).toBe(admin.id);
    expect(audit.details).toMatchObject({
      before: { links: { hold: 'new_accounts' } },
      after: { links: { hold: 'everyone', maxLinks: 1 } },
    });

    await t.http.put('/api/admin/triage-rules').set(authHeader(moderator)).send(wanted).expect(403);
    const bad = await t.http
      .put('/api/admin/triage-rules')
      .set(authHeader(admin))
      .send({
        ...DEFAULTS,
        links: { hold: 'sometimes', maxLinks: -1, allowedDomains: ['not a domain'] },
        history: { ...DEFAULTS.history, rejectedPercent: 0.5 },
      })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const fields = (bad.body.error.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['links.hold', 'links.maxLinks', 'history.rejectedPercent']));
    expect(fields.some((f) => f.startsWith('links.allowedDomains'))).toBe(true);
    await t.http.put('/api/admin/triage-rules').set(authHeader(admin)).send({ links: DEFAULTS.links }).expect(400);
    await t.http
      .put('/api/admin/triage-rules')
      .set(authHeader(admin))
      .send({ ...DEFAULTS, links: [DEFAULTS.links] })
      .expect(400);

    // Everyone's comments with more than one link now wait, except links to the allowed domains.
    const a = await article({ moderation: 'post' });
    const regular = await reader(3);
    const two = await postComment(t, a, regular, { body: 'https://a.example/1 и https://b.example/2' });
    const allowed = await postComment(t, a, regular, { body: 'https://www.bta.bg/x, https://parliament.bg/y и https://a.example/1' });
    expect([two.status, allowed.status]).toEqual(['pending', 'approved']);
    expect(await hold(two.id)).toMatchObject({ source: 'rule', rule: 'links' });
  });

  it('should hold the first comments of a new account when the newsroom asks, and publish from then on', async () => {
    await setRules({ ...DEFAULTS, newAccounts: { approvedBelow: 3, holdFirstComments: 2, holdYoungerThanDays: 0 } });
    const a = await article({ moderation: 'post' });
    const newcomer = await reader();
    const first = await postComment(t, a, newcomer, { body: 'Първо мнение' });
    const second = await postComment(t, a, newcomer, { body: 'Второ мнение' });
    const third = await postComment(t, a, newcomer, { body: 'Трето мнение' });
    expect([first.status, second.status, third.status]).toEqual(['pending', 'pending', 'approved']);
    expect(await hold(first.id)).toMatchObject({ source: 'rule', rule: 'new_account' });
    // Staff skip the rules.
    const staffComment = await postComment(t, a, moderator, { body: 'Бележка от редакцията: https://example.org/popravka' });
    expect(staffComment.status).toBe('approved');
  });

  it('should refuse an author whose recent comments were mostly rejected, with an automated statement of reasons the author reads', async () => {
    await setRules({ ...DEFAULTS, history: { action: 'refuse', lastComments: 5, minDecided: 3, rejectedPercent: 60 } });
    const a = await article({ moderation: 'post' });
    const troll = await reader();
    for (const status of ['rejected', 'spam', 'approved'] as const) {
      const c = await createComment(t, a, troll, { body: `Старо мнение (${status})` });
      await setCommentStatus(t, c.id, status, moderator.id);
    }
    const refused = await postComment(t, a, troll, { body: 'Пак аз.' });
    expect(refused.status).toBe('rejected');
    expect(await hold(refused.id)).toMatchObject({ source: 'rule', rule: 'rejected_history' });
    const decisions = await t.http.get('/api/me/decisions').set(authHeader(troll)).expect(200);
    expect(decisions.body.items[0]).toMatchObject({
      action: 'rule_reject',
      commentRef: { id: refused.id },
      automatedDetection: true,
      automatedDecision: 'AUTOMATED_DECISION_FULLY',
    });
    expect(decisions.body.items[0].decisionFacts).toContain("2 of the author's last 3 decided comments were rejected");
    // Below the share the author posts as usual.
    const fine = await reader();
    const old = await createComment(t, a, fine, { body: 'Старо' });
    await setCommentStatus(t, old.id, 'rejected', moderator.id);
    for (let i = 0; i < 2; i++) await createComment(t, a, fine, { status: 'approved', body: `Одобрено ${i}` });
    expect((await postComment(t, a, fine, { body: 'Ново мнение' })).status).toBe('approved');
  });

  it('should hold an edit that adds a link to a published comment, on a post-moderated article', async () => {
    const a = await article({ moderation: 'post' });
    const newcomer = await reader();
    const c = await postComment(t, a, newcomer, { body: 'Честно мнение' });
    expect(c.status).toBe('approved');
    const edited = await t.http
      .patch(`/api/comments/${c.id}`)
      .set(authHeader(newcomer))
      .send({ body: 'Честно мнение, купете от https://shop.example' })
      .expect(200);
    expect(edited.body.comment.status).toBe('pending');
    expect(await hold(c.id)).toMatchObject({ source: 'rule', rule: 'links', matched: ['shop.example'] });
  });
});

describe('per-article overrides of the triage rules', () => {
  const settings = (slug: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/admin/articles/${slug}`).set(authHeader(moderator)).send(body).expect(200);

  it('should replace whole sections of the rules on one article, on top of its pre/post moderation, audited', async () => {
    const [relaxed, strict, plain] = await Promise.all([article(), article(), article()]);
    const newcomer = await reader();
    // A live blog quoting sources: links are fine here. A sensitive story: a new account's first comments wait.
    const r = await settings(relaxed.slug, {
      triage: { links: { hold: 'off', maxLinks: 0, allowedDomains: [] } },
      reason: 'Живо предаване',
    });
    expect(r.body.articleSettings.triage).toEqual({ links: { hold: 'off', maxLinks: 0, allowedDomains: [] } });
    await settings(strict.slug, { triage: { newAccounts: { approvedBelow: 3, holdFirstComments: 5, holdYoungerThanDays: 0 } } });

    const link = 'Източникът: https://www.bta.bg/bg/news/123';
    expect((await postComment(t, relaxed, newcomer, { body: link })).status).toBe('approved');
    expect((await postComment(t, plain, newcomer, { body: link })).status).toBe('pending');
    const first = await postComment(t, strict, newcomer, { body: 'Първо мнение тук.' });
    expect(first.status).toBe('pending');
    expect(await hold(first.id)).toMatchObject({ source: 'rule', rule: 'new_account' });
    expect((await postComment(t, plain, newcomer, { body: 'Същото мнение другаде.' })).status).toBe('approved');

    const audit = await t.prisma.moderationAction.findFirstOrThrow({
      where: { action: 'article_settings', reason: 'Живо предаване' },
      select: { details: true },
    });
    expect(audit.details).toMatchObject({ from: { triage: {} }, to: { triage: { links: { hold: 'off' } } } });

    // `{}` removes the overrides: the newsroom's rules apply again.
    expect((await settings(relaxed.slug, { triage: {} })).body.articleSettings.triage).toEqual({});
    expect((await postComment(t, relaxed, newcomer, { body: `${link} (отново)` })).status).toBe('pending');
    await t.http
      .patch(`/api/admin/articles/${relaxed.slug}`)
      .set(authHeader(moderator))
      .send({ triage: { links: { hold: 'sometimes' } } })
      .expect(400);
  });
});
