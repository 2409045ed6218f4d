import { randomBytes } from 'node:crypto';
import { BULK_MAX_IDS } from '../../../src/moderation/dto/decision.dto.js';
import { FirstAdminSetup } from '../../../src/setup/first-admin-setup.service.js';
import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { SseClient } from '../../helpers/sse.js';
import { bearer, createUser, type TestUser } from '../../factories/index.js';

/**
 * The API the moderation console stands on (issue 20): hold reasons, reports to review, decision reasons, the 409's
 * "who and what", bulk versions, staff notes, the author history, the lists, one queue item, the staff event stream
 * and the first-admin setup link. Each against the real service and database.
 */
let t: TestApp;
let admin: TestUser;
let moderator: TestUser;
let other: TestUser;
let reader: TestUser;
let seq = 0;
const BACKDATED = new Date(Date.UTC(1991, 0, 1));
const as = (u: TestUser) => ({ Authorization: bearer(u) });
/** A word nobody else's test writes: letters only (the filter's normal form). */
const word = () =>
  `zq${randomBytes(5)
    .toString('hex')
    .replace(/\d/g, (d) => 'abcdefghij'[Number(d)])}`;

async function article(opts: { moderation?: 'pre' | 'post' } = {}) {
  const slug = `console-api-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return t.prisma.article.create({
    data: {
      slug,
      title: `Конзола ${seq}`,
      blocks: [{ type: 'paragraph', text: 'x' }],
      publishedAt: BACKDATED,
      moderationMode: opts.moderation ?? 'pre',
    },
    select: { id: true, slug: true },
  });
}

async function post(u: TestUser, slug: string, body: string): Promise<{ id: string; status: string }> {
  const res = await t.http.post(`/api/articles/${slug}/comments`).set(as(u)).send({ body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.comment as { id: string; status: string };
}

const item = async (u: TestUser, id: string) => (await t.http.get(`/api/admin/comments/${id}`).set(as(u)).expect(200)).body.item;

beforeAll(async () => {
  t = await startTestApp();
  [admin, moderator, other, reader] = await Promise.all([
    createUser(t, { role: 'admin' }),
    createUser(t, { role: 'moderator' }),
    createUser(t, { role: 'moderator' }),
    createUser(t),
  ]);
});
afterAll(async () => {
  await t?.close();
});

describe('hold reasons', () => {
  it('should record why the word filter held or rejected a comment, show it on the item and filter the queue by it', async () => {
    const [suspect, banned] = [word(), word()];
    await t.http.post('/api/admin/word-filters').set(as(admin)).send({ word: suspect, kind: 'suspect' }).expect(201);
    await t.http.post('/api/admin/word-filters').set(as(admin)).send({ word: banned, kind: 'banned' }).expect(201);
    const a = await article({ moderation: 'post' });
    const held = await post(reader, a.slug, `Това е ${suspect} мнение`);
    const rejected = await post(reader, a.slug, `А това е ${banned}`);
    const clean = await post(reader, a.slug, 'Чисто мнение');
    expect([held.status, rejected.status, clean.status]).toEqual(['pending', 'rejected', 'approved']);

    expect((await item(moderator, held.id)).hold).toMatchObject({ source: 'word_filter', rule: 'suspect', matched: [suspect], labels: [] });
    expect((await item(moderator, rejected.id)).hold).toMatchObject({ source: 'word_filter', rule: 'banned', matched: [banned] });
    expect((await item(moderator, clean.id)).hold).toBeNull();

    const flagged = await t.http
      .get('/api/admin/comments')
      .set(as(moderator))
      .query({ status: 'pending', article: a.slug, holdSource: 'word_filter' })
      .expect(200);
    expect(flagged.body.items.map((i: { adminComment: { id: string } }) => i.adminComment.id)).toEqual([held.id]);
    await t.http.get('/api/admin/comments').set(as(moderator)).query({ holdSource: 'gut_feeling' }).expect(400);
  });

  it('should record a hold by reports when readers send an approved comment back, and list it among the reports to review', async () => {
    const a = await article({ moderation: 'post' });
    const c = await post(reader, a.slug, 'Мнение, което ще бъде докладвано');
    const reporters = await Promise.all([1, 2, 3].map(() => createUser(t)));
    for (const r of reporters) await t.http.post(`/api/comments/${c.id}/reports`).set(as(r)).send({ reason: 'Обида' }).expect(201);
    const i = await item(moderator, c.id);
    expect(i.adminComment.status).toBe('pending');
    expect(i.hold).toMatchObject({ source: 'reports', rule: 'threshold' });
    const open = async () =>
      (
        await t.http.get('/api/admin/comments').set(as(moderator)).query({ status: 'reported_open', article: a.slug }).expect(200)
      ).body.items.map((x: { adminComment: { id: string } }) => x.adminComment.id);
    expect(await open()).toEqual([c.id]);
    // Approved after the reports: reviewed, out of the queue; a later report brings it back.
    await t.http
      .patch(`/api/admin/comments/${c.id}`)
      .set(as(moderator))
      .send({ status: 'approved', version: i.adminComment.version })
      .expect(200);
    expect(await open()).toEqual([]);
    await t.http
      .post(`/api/comments/${c.id}/reports`)
      .set(as(await createUser(t)))
      .send({ reason: 'Спам' })
      .expect(201);
    expect(await open()).toEqual([c.id]);
  });

  it('should show the comment a queue item replies to', async () => {
    const a = await article({ moderation: 'post' });
    const parent = await post(reader, a.slug, 'Родителски коментар');
    const reply = await t.http
      .post(`/api/articles/${a.slug}/comments`)
      .set(as(reader))
      .send({ body: 'Отговор', parentId: parent.id })
      .expect(201);
    expect((await item(moderator, reply.body.comment.id)).parent).toMatchObject({
      id: parent.id,
      body: 'Родителски коментар',
      status: 'approved',
      deleted: false,
      author: { id: reader.id, username: reader.username },
    });
  });
});

describe('decisions that lose a race', () => {
  it('should say in the 409 who decided and what, when a colleague decided first', async () => {
    const a = await article();
    const c = await post(reader, a.slug, 'Спорен коментар');
    await t.http.patch(`/api/admin/comments/${c.id}`).set(as(other)).send({ status: 'approved', version: 1 }).expect(200);
    const lost = await t.http.patch(`/api/admin/comments/${c.id}`).set(as(moderator)).send({ status: 'rejected', version: 1 }).expect(409);
    expect(lost.body.error.code).toBe('VERSION_CONFLICT');
    expect(lost.body.error.details[0].current).toMatchObject({
      status: 'approved',
      version: 2,
      action: 'approve',
      decidedBy: { id: other.id, username: other.username },
    });
  });

  it('should skip, in a bulk decision, the comments changed since the versions sent, naming who changed them', async () => {
    const a = await article();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await post(reader, a.slug, `Групов ${i}`)).id);
    await t.http.patch(`/api/admin/comments/${ids[1]}`).set(as(other)).send({ status: 'approved', version: 1 }).expect(200);
    const res = await t.http
      .post('/api/admin/comments/bulk')
      .set(as(moderator))
      .send({ status: 'rejected', ids, versions: [1, 1, 1] })
      .expect(200);
    expect(res.body).toMatchObject({ applied: 2, failed: 1 });
    expect(res.body.results[1]).toMatchObject({
      id: ids[1],
      ok: false,
      error: { code: 'VERSION_CONFLICT', current: { status: 'approved', decidedBy: { username: other.username } } },
    });
    expect((await item(moderator, ids[1])).adminComment.status).toBe('approved');
    await t.http
      .post('/api/admin/comments/bulk')
      .set(as(moderator))
      .send({ status: 'rejected', ids, versions: [1] })
      .expect(400);
  });
});

describe('decision reasons', () => {
  it('should let admins keep the list, moderators read it, and a decision take its label and statement fields', async () => {
    const label = `Лична нападка ${word()}`;
    const created = await t.http
      .post('/api/admin/decision-reasons')
      .set(as(admin))
      .send({
        label,
        description: 'Обиди към друг читател',
        appliesTo: ['reject', 'ban'],
        statement: {
          incompatibleContentGround: 'Правила за коментари, т. 3',
          incompatibleContentExplanation: 'Лична нападка срещу друг читател.',
          category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
        },
        position: 5,
      })
      .expect(201);
    const reason = created.body.reason;
    expect(created.headers.location).toBe(`/api/admin/decision-reasons/${reason.id}`);
    await t.http
      .post('/api/admin/decision-reasons')
      .set(as(moderator))
      .send({ label: 'x', appliesTo: ['reject'], statement: {} })
      .expect(403);
    await t.http
      .post('/api/admin/decision-reasons')
      .set(as(admin))
      .send({ label, appliesTo: ['reject'], statement: {} })
      .expect(409);
    // Fields that do not make a statement (an illegal-content ground without the law) are refused up front.
    await t.http
      .post('/api/admin/decision-reasons')
      .set(as(admin))
      .send({ label: `${label} 2`, appliesTo: ['reject'], statement: { decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT' } })
      .expect(400);
    const list = await t.http.get('/api/admin/decision-reasons').set(as(moderator)).expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(reason.id);

    const a = await article();
    const c = await post(reader, a.slug, 'Ти си никой');
    await t.http.patch(`/api/admin/comments/${c.id}`).set(as(moderator)).send({ status: 'approved', reasonId: reason.id }).expect(400);
    await t.http.patch(`/api/admin/comments/${c.id}`).set(as(moderator)).send({ status: 'spam', reasonId: reason.id }).expect(400);
    const rejected = await t.http
      .patch(`/api/admin/comments/${c.id}`)
      .set(as(moderator))
      .send({ status: 'rejected', reasonId: reason.id })
      .expect(200);
    expect(rejected.body.adminComment.statusReason).toBe(label);
    const mine = await t.http.get('/api/me/decisions').set(as(reader)).expect(200);
    const statement = mine.body.items.find((d: { commentRef: { id: string } | null }) => d.commentRef?.id === c.id);
    expect(JSON.stringify(statement)).toContain('Лична нападка срещу друг читател.');

    await t.http.patch(`/api/admin/decision-reasons/${reason.id}`).set(as(admin)).send({ position: 7 }).expect(200);
    await t.http.delete(`/api/admin/decision-reasons/${reason.id}`).set(as(admin)).expect(204);
    await t.http.get(`/api/admin/decision-reasons/${reason.id}`).set(as(moderator)).expect(404);
  });
});

describe('the author drawer', () => {
  it('should keep staff notes that only their author or an admin removes, and show them with the history', async () => {
    const author = await createUser(t);
    const a = await article();
    const c = await post(author, a.slug, 'Коментар за историята');
    await t.http.patch(`/api/admin/comments/${c.id}`).set(as(moderator)).send({ status: 'rejected', reason: 'Обида' }).expect(200);
    await post(author, a.slug, 'Още един');
    const note = await t.http
      .post(`/api/admin/users/${author.id}/notes`)
      .set(as(moderator))
      .send({ body: '<b>Предупреден</b> по имейл' })
      .expect(201);
    expect(note.headers.location).toBe(`/api/admin/users/${author.id}/notes`);
    await t.http.post(`/api/admin/users/${author.id}/notes`).set(as(reader)).send({ body: 'x' }).expect(403);

    const history = await t.http.get(`/api/admin/users/${author.id}/history`).set(as(other)).expect(200);
    expect(history.body.user).toMatchObject({ id: author.id, username: author.username });
    expect(history.body.comments).toEqual({ pending: 1, approved: 0, rejected: 1, spam: 0, deleted: 0, reported: 0 });
    expect(history.body.decisions[0]).toMatchObject({ action: 'note_add', moderator: { id: moderator.id } });
    expect(history.body.decisions.map((d: { action: string }) => d.action)).toContain('reject');
    expect(history.body.notes[0]).toMatchObject({ body: '<b>Предупреден</b> по имейл', author: { id: moderator.id } });

    const noteId = note.body.note.id as string;
    await t.http.delete(`/api/admin/users/${author.id}/notes/${noteId}`).set(as(other)).expect(403);
    await t.http.delete(`/api/admin/users/${author.id}/notes/${noteId}`).set(as(admin)).expect(204);
    await t.http.delete(`/api/admin/users/${author.id}/notes/${noteId}`).set(as(admin)).expect(404);
    await t.http.get(`/api/admin/users/00000000-0000-4000-8000-000000000000/history`).set(as(other)).expect(404);
  });
});

describe('lists', () => {
  it('should find accounts by the start of their username or their email, and list the staff by role', async () => {
    const byName = await t.http
      .get('/api/admin/users')
      .set(as(moderator))
      .query({ q: reader.username.slice(0, 12) })
      .expect(200);
    expect(byName.body.items.map((u: { id: string }) => u.id)).toContain(reader.id);
    const byEmail = await t.http.get('/api/admin/users').set(as(moderator)).query({ q: reader.email.toUpperCase() }).expect(200);
    expect(byEmail.body.items.map((u: { id: string }) => u.id)).toEqual([reader.id]);
    const admins = await t.http.get('/api/admin/users').set(as(moderator)).query({ role: 'admin', limit: 100 }).expect(200);
    expect(admins.body.items.every((u: { role: string }) => u.role === 'admin')).toBe(true);
    await t.http.get('/api/admin/users').set(as(reader)).expect(403);
  });

  it('should list articles with their settings and pending comments, searchable by title', async () => {
    const a = await article();
    await post(reader, a.slug, 'Чака');
    const res = await t.http.get('/api/admin/articles').set(as(moderator)).query({ q: a.slug }).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ slug: a.slug, moderation: 'pre', commentsOpen: true, pendingCount: 1 })]);
  });
});

describe('the staff event stream', () => {
  it('should send the counts, every comment change with who made it, and end with `revoked` when the moderator is demoted', async () => {
    const base = await listen(t);
    await t.http.get('/api/admin/events').set(as(reader)).expect(403);
    const mod = await createUser(t, { role: 'moderator' });
    const stream = await SseClient.open(`${base}/api/admin/events`, { authorization: bearer(mod) });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      const first = JSON.parse((await stream.next((e) => e.event === 'counts')).data);
      expect(first).toEqual((await t.http.get('/api/admin/queue/counts').set(as(mod)).expect(200)).body);

      const a = await article();
      const c = await post(reader, a.slug, 'Нов коментар на живо');
      const created = await stream.next((e) => e.event === 'comment' && e.data.includes(c.id) && e.data.includes('comment.created'));
      expect(JSON.parse(created.data)).toMatchObject({ id: c.id, toStatus: 'pending', article: { slug: a.slug }, current: { version: 1 } });
      await stream.next((e) => e.event === 'counts' && JSON.parse(e.data).pending > 0);

      await t.http.patch(`/api/admin/comments/${c.id}`).set(as(other)).send({ status: 'approved', version: 1 }).expect(200);
      const approved = await stream.next((e) => e.event === 'comment' && e.data.includes(c.id) && e.data.includes('comment.approved'));
      expect(JSON.parse(approved.data).current).toMatchObject({ status: 'approved', version: 2, decidedBy: { username: other.username } });

      await t.http.patch(`/api/admin/users/${mod.id}`).set(as(admin)).send({ role: 'reader' }).expect(200);
      const revoked = await stream.next((e) => e.event === 'revoked', 10_000);
      expect(JSON.parse(revoked.data)).toEqual({ reason: 'role' });
      await stream.whenEnded();
    } finally {
      stream.close();
    }
  });
});

describe('the staff event stream under a burst', () => {
  it('should deliver every change of a bulk decision of the maximum size to a console that keeps reading', async () => {
    // The frames of one burst used to be written in one tick: past SSE_MAX_BUFFERED_BYTES (64 KiB) the console was cut.
    const base = await listen(t);
    const a = await article();
    const created = await t.prisma.comment.createManyAndReturn({
      data: Array.from({ length: BULK_MAX_IDS }, () => ({ articleId: a.id, authorId: reader.id, body: 'Чака поредицата.' })),
      select: { id: true },
    });
    const stream = await SseClient.open(`${base}/api/admin/events`, { authorization: bearer(moderator) });
    try {
      await stream.next((e) => e.event === 'counts');
      const ids = created.map((c) => c.id);
      const res = await t.http.post('/api/admin/comments/bulk').set(as(admin)).send({ ids, status: 'approved' }).expect(200);
      expect(res.body.applied).toBe(BULK_MAX_IDS);
      // Each approval once, in whatever order the bulk applied them (each event is tested once).
      const wanted = new Set(ids);
      let seen = 0;
      await stream.next(
        (e) =>
          e.event === 'comment' && e.data.includes('comment.approved') && wanted.delete(JSON.parse(e.data).id) && ++seen === BULK_MAX_IDS,
        20_000,
      );
      expect(wanted.size).toBe(0);
      expect(stream.ended).toBe(false);
    } finally {
      stream.close();
    }
  });
});

describe('the first admin', () => {
  let scratch: ScratchDatabase;
  let s: TestApp;

  beforeAll(async () => {
    scratch = await scratchDatabase('console_setup', { migrated: true });
    s = await startTestApp({ DATABASE_URL: scratch.url });
  });
  afterAll(async () => {
    await s?.close();
    await scratch?.drop();
  });

  it('should print a one-time link while no admin exists, whose code creates one admin once and signs them in', async () => {
    const setup = s.app.get(FirstAdminSetup);
    const link = await setup.announce('http://localhost:3000');
    expect(link).toMatch(/^http:\/\/localhost:3000\/admin\/setup#code=[\w-]{24}$/);
    const code = link!.split('#code=')[1];
    const account = { email: 'editor@example.bg', username: 'admin', password: 'липов цвят над Витоша' };
    const wrong = await s.http
      .post('/api/setup/admin')
      .send({ ...account, code: 'A'.repeat(24) })
      .expect(403);
    expect(wrong.body.error.code).toBe('SETUP_CODE_INVALID');
    const ok = await s.http
      .post('/api/setup/admin')
      .send({ ...account, code })
      .expect(201);
    expect(ok.body.user).toMatchObject({ username: 'admin', role: 'admin' });
    await s.http.get('/api/admin/queue/counts').set('Authorization', `Bearer ${ok.body.accessToken}`).expect(200);
    const again = await s.http
      .post('/api/setup/admin')
      .send({ ...account, username: 'admin2', email: 'b@example.bg', code })
      .expect(409);
    expect(again.body.error.code).toBe('SETUP_ALREADY_DONE');
    expect(await setup.announce('http://localhost:3000')).toBeNull();
  });

  it('should refuse an expired code', async () => {
    const { code } = await s.app.get(FirstAdminSetup).issueCode();
    await s.prisma.setupCode.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    await s.prisma.user.updateMany({ where: { role: 'admin' }, data: { role: 'reader' } });
    const res = await s.http
      .post('/api/setup/admin')
      .send({ email: 'c@example.bg', username: 'editor_c', password: 'липов цвят над Витоша', code })
      .expect(403);
    expect(res.body.error.code).toBe('SETUP_CODE_INVALID');
  });
});

describe('sign-in options', () => {
  it('should tell a sign-in page which ways of signing in exist', async () => {
    const res = await t.http.get('/api/auth/options').expect(200);
    expect(res.body).toEqual({ register: true, password: 'everyone', sso: false, ssoLoginUrl: null });
  });
});
