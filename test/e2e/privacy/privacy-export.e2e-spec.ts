import { AppError } from '../../../src/common/errors/app-error.js';
import { AccountExportService } from '../../../src/privacy/account-export.service.js';
import { WordFilterService } from '../../../src/word-filter/word-filter.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { AUDIENCE, ISSUER, SSO_SECRET, signWithSecret } from '../../helpers/publisher.js';
import { authHeader, createArticle, createUser, type TestUser } from '../../factories/index.js';

/**
 * GDPR Art. 15 and 20: GET /api/me/export (and the admin's GET /api/admin/users/:userId/export) against the real app
 * and PostgreSQL. The document holds everything stored about the holder, and nothing about the other readers and
 * staff whose data sits right next to it. The contract check validates every document against the OpenAPI schema.
 */

let t: TestApp;
let admin: TestUser;
let moderator: TestUser;

const code = (res: { body: { error?: { code?: string } } }) => res.body.error?.code;

const post = (u: Pick<TestUser, 'token'>, slug: string, body: string, parentId?: string) =>
  t.http
    .post(`/api/articles/${slug}/comments`)
    .set(authHeader(u))
    .send({ body, ...(parentId && { parentId }) });

/** The export as text (what a reader downloads) and parsed. */
async function exportOf(u: Pick<TestUser, 'token'>) {
  const res = await t.http.get('/api/me/export').set(authHeader(u)).expect(200);
  return { res, text: res.text, doc: JSON.parse(res.text) as ExportDoc };
}

interface ExportDoc {
  format: string;
  version: number;
  generatedAt: string;
  account: Record<string, unknown>;
  identities: Record<string, unknown>[];
  sessions: Record<string, unknown>[];
  comments: {
    id: string;
    body: string;
    status: string;
    revisions: { body: string }[];
    history: { action: string; by: string; reason: string | null }[];
    deletedBy: string | null;
  }[];
  reports: { commentId: string; reason: string }[];
  accountHistory: { action: string; by: string; reason: string | null }[];
  actionsAsStaff: { action: string; commentId: string | null; reason: string | null }[];
}

beforeAll(async () => {
  t = await startTestApp({ SSO_SECRET, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE });
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  vi.spyOn(t.app.get(WordFilterService), 'check').mockResolvedValue({ verdict: 'clean' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /api/me/export', () => {
  it('should contain everything of the holder and nothing of the other reader or the staff beside it', async () => {
    const post_ = await createArticle(t, { moderationMode: 'post' });
    const pre = await createArticle(t, { moderationMode: 'pre' });
    const sub = `export-${Math.random().toString(36).slice(2, 12)}`;
    const signIn = async () =>
      (
        await t.http
          .post('/api/auth/sso')
          .send({ token: await signWithSecret(SSO_SECRET, { claims: { sub, email: `${sub}@publisher.test`, name: 'Елена Димитрова' } }) })
          .expect(200)
      ).body;
    const first = await signIn();
    const second = await signIn();
    await t.http.post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200);
    const me = { token: first.accessToken as string };
    const other = await createUser(t);

    // The holder's comments in every state, with an edit, replies both ways and decisions by staff.
    const approved = (await post(me, post_.slug, 'Одобрен коментар').expect(201)).body.comment.id as string;
    await t.http.patch(`/api/comments/${approved}`).set(authHeader(me)).send({ body: 'Одобрен коментар, поправен' }).expect(200);
    const othersReply = (await post(other, post_.slug, 'ЧУЖД ОТГОВОР, който не е мой', approved).expect(201)).body.comment.id as string;
    const myReply = (await post(me, post_.slug, 'Моят отговор', othersReply).expect(201)).body.comment.id as string;
    const pending = (await post(me, pre.slug, 'Чакащ коментар').expect(201)).body.comment.id as string;
    const rejected = (await post(me, pre.slug, 'Отхвърлен коментар').expect(201)).body.comment.id as string;
    await t.http
      .patch(`/api/admin/comments/${rejected}`)
      .set(authHeader(moderator))
      .send({ status: 'rejected', reason: 'Лични нападки' })
      .expect(200);
    const deleted = (await post(me, post_.slug, 'Изтрит от мен').expect(201)).body.comment.id as string;
    await t.http.delete(`/api/comments/${deleted}`).set(authHeader(me)).expect(204);
    await t.http.post(`/api/comments/${othersReply}/reports`).set(authHeader(me)).send({ reason: 'Подвеждащо' }).expect(201);
    // The other reader's activity around the holder's: a report on the holder's comment, an own comment.
    await t.http.post(`/api/comments/${approved}/reports`).set(authHeader(other)).send({ reason: 'ЧУЖД ДОКЛАД' }).expect(201);
    await post(other, post_.slug, 'ЧУЖД КОМЕНТАР').expect(201);
    await t.http
      .post(`/api/admin/users/${first.user.id}/ban`)
      .set(authHeader(moderator))
      .send({ reason: 'Кратка пауза', until: new Date(Date.now() + 3_600_000).toISOString() })
      .expect(200);
    await t.http.delete(`/api/admin/users/${first.user.id}/ban`).set(authHeader(moderator)).expect(200);
    const after = await signIn();

    const { res, text, doc } = await exportOf({ token: after.accessToken });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="account-export-\d{4}-\d{2}-\d{2}\.json"/);
    expect(doc).toMatchObject({ format: 'newsroom-comments.account-export', version: 1 });
    expect(doc.account).toMatchObject({
      id: first.user.id,
      username: first.user.username,
      email: `${sub}@publisher.test`,
      displayName: 'Елена Димитрова',
      role: 'reader',
      hasPassword: false,
      ban: null,
    });
    expect(doc.identities).toEqual([expect.objectContaining({ issuer: ISSUER, subject: sub })]);
    // Three sign-ins (the ban ended the first two), one refresh; never a token or its hash.
    expect(doc.sessions).toHaveLength(3);
    expect(doc.sessions.reduce((n, s) => n + Number(s.refreshes), 0)).toBe(1);
    expect(doc.sessions.filter((s) => s.active)).toHaveLength(1);
    for (const secret of [first.refreshToken, second.refreshToken, after.refreshToken, first.accessToken])
      expect(text).not.toContain(secret);
    const hashes = await t.prisma.refreshToken.findMany({ where: { userId: first.user.id }, select: { tokenHash: true } });
    for (const { tokenHash } of hashes) expect(text).not.toContain(tokenHash);

    // Every comment, whatever its state, with its versions and its history; staff unnamed.
    const stored = await t.prisma.comment.findMany({
      where: { authorId: first.user.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    expect(doc.comments.map((c) => c.id)).toEqual(stored.map((c) => c.id));
    expect(doc.comments.map((c) => c.id)).toEqual([approved, myReply, pending, rejected, deleted]);
    const byId = new Map(doc.comments.map((c) => [c.id, c]));
    expect(byId.get(approved)).toMatchObject({ body: 'Одобрен коментар, поправен', revisions: [{ version: 1, body: 'Одобрен коментар' }] });
    expect(byId.get(approved)!.history.map((h) => [h.action, h.by])).toEqual([
      ['auto_approve', 'system'],
      ['edit', 'you'],
    ]);
    expect(byId.get(pending)).toMatchObject({ status: 'pending', body: 'Чакащ коментар' });
    expect(byId.get(rejected)).toMatchObject({ status: 'rejected', statusReason: 'Лични нападки' });
    expect(byId.get(rejected)!.history).toContainEqual(expect.objectContaining({ action: 'reject', by: 'staff', reason: 'Лични нападки' }));
    expect(byId.get(deleted)).toMatchObject({ body: 'Изтрит от мен', deletedBy: 'you' });
    expect(doc.reports).toEqual([expect.objectContaining({ commentId: othersReply, reason: 'Подвеждащо' })]);
    expect(doc.accountHistory.map((h) => [h.action, h.by])).toEqual([
      ['ban', 'staff'],
      ['unban', 'staff'],
    ]);
    expect(doc.actionsAsStaff).toEqual([]);

    // Nothing of the other reader (name, email, words, report) or of the moderator (name, email, id).
    for (const foreign of [other.username, other.email, other.id, 'ЧУЖД', moderator.username, moderator.email, moderator.id])
      expect(text).not.toContain(foreign);
  });

  it('should stream a large account completely, in one consistent document', async () => {
    const a = await createArticle(t, { moderationMode: 'pre' });
    const u = await createUser(t);
    const n = 450; // more than two of the export's batches
    await t.prisma.comment.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        articleId: a.id,
        authorId: u.id,
        body: `коментар ${i}`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      })),
    });
    const { doc } = await exportOf(u);
    expect(doc.comments).toHaveLength(n);
    expect(doc.comments.map((c) => c.body)).toEqual(Array.from({ length: n }, (_, i) => `коментар ${i}`));
  });

  it("should list a staff member's own decisions without the people they concern", async () => {
    const a = await createArticle(t, { moderationMode: 'pre' });
    const [mod, reader] = await Promise.all([createUser(t, { role: 'moderator' }), createUser(t)]);
    const c = (await post(reader, a.slug, 'ЧИТАТЕЛСКИ ТЕКСТ').expect(201)).body.comment.id as string;
    await t.http.patch(`/api/admin/comments/${c}`).set(authHeader(mod)).send({ status: 'rejected', reason: 'Спам' }).expect(200);
    await t.http.post(`/api/admin/users/${reader.id}/ban`).set(authHeader(mod)).send({ reason: 'Реклами' }).expect(200);
    const { text, doc } = await exportOf(mod);
    expect(doc.account).toMatchObject({ id: mod.id, role: 'moderator' });
    expect(doc.actionsAsStaff.map((x) => [x.action, x.commentId, x.reason])).toEqual([
      ['reject', c, 'Спам'],
      ['ban', null, 'Реклами'],
    ]);
    for (const foreign of [reader.username, reader.email, reader.id, 'ЧИТАТЕЛСКИ']) expect(text).not.toContain(foreign);
  });

  it('should refuse anonymous callers and the token of an erased account', async () => {
    expect(code(await t.http.get('/api/me/export').expect(401))).toBe('UNAUTHENTICATED');
    const u = await createUser(t);
    await t.http.delete(`/api/admin/users/${u.id}`).set(authHeader(admin)).send({ reason: 'test' }).expect(200);
    expect(code(await t.http.get('/api/me/export').set(authHeader(u)).expect(401))).toBe('INVALID_TOKEN');
    expect(code(await t.http.get(`/api/admin/users/${u.id}/export`).set(authHeader(admin)).expect(404))).toBe('USER_NOT_FOUND');
  });

  it('should hold at most two exports open at once and give their connections back when a download is abandoned', async () => {
    const svc = t.app.get(AccountExportService);
    const u = await createUser(t);
    const notFound = () => AppError.notFound('USER_NOT_FOUND', 'x');
    const busy = t.prisma.pool.totalCount - t.prisma.pool.idleCount;
    const [one, two] = [await svc.open(u.id, notFound), await svc.open(u.id, notFound)];
    await expect(svc.open(u.id, notFound)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    // Abandoned: one never read, one read partly.
    one.stream.destroy();
    await new Promise<void>((resolve) => two.stream.once('data', () => resolve()));
    two.stream.destroy();
    await vi.waitFor(async () => {
      const again = await svc.open(u.id, notFound);
      again.stream.destroy();
    });
    // Every connection the exports held is back in the pool.
    await vi.waitFor(() => expect(t.prisma.pool.totalCount - t.prisma.pool.idleCount).toBe(busy));
  });
});

describe('GET /api/admin/users/:userId/export', () => {
  it('should give an admin the same document for a request the newsroom received, and record it in the audit log', async () => {
    const u = await createUser(t);
    const own = (await exportOf(u)).doc;
    expect(code(await t.http.get(`/api/admin/users/${u.id}/export`).set(authHeader(moderator)).expect(403))).toBe('FORBIDDEN');
    const res = await t.http.get(`/api/admin/users/${u.id}/export`).set(authHeader(admin)).expect(200);
    const doc = JSON.parse(res.text) as ExportDoc;
    expect({ ...doc, generatedAt: own.generatedAt }).toEqual(own);
    await expect(
      t.prisma.moderationAction.count({ where: { action: 'export_account', moderatorId: admin.id, targetUserId: u.id } }),
    ).resolves.toBe(1);
  });
});
