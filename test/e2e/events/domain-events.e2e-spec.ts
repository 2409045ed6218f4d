import pg from 'pg';
import { applyCommentChange, commentSnapshotSelect } from '../../../src/comment-core/comment-state.js';
import { EventRetentionService } from '../../../src/events/event-retention.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, type TestUser } from '../../factories/index.js';

/**
 * The domain event log (src/events/domain-events.ts): rows appear exactly for changes that commit, carry the
 * documented public data, and are announced by id on the `domain_events` channel only after the commit.
 */

let t: TestApp;
let admin: TestUser;
let listener: pg.Client;
const announced: string[] = [];

interface EventRow {
  id: string;
  type: string;
  articleId: string | null;
  data: Record<string, unknown>;
}

const post = (u: TestUser, slug: string, body: string) =>
  t.http.post(`/api/articles/${slug}/comments`).set(authHeader(u)).send({ body }).expect(201);
const decide = (id: string, status: string) => t.http.patch(`/api/admin/comments/${id}`).set(authHeader(admin)).send({ status });

/** The article's events in log order (ids as strings). */
async function eventsOf(articleId: string): Promise<EventRow[]> {
  const rows = await t.prisma.domainEvent.findMany({ where: { articleId }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ id: r.id.toString(), type: r.type, articleId: r.articleId, data: r.data as Record<string, unknown> }));
}

/** Waits until every id in `ids` was announced (or two seconds passed); returns whether they all were. */
async function announcedAll(ids: string[]): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const seen = new Set(announced.flatMap((p) => p.split(',')));
    if (ids.every((id) => seen.has(id))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await createUser(t, { role: 'admin' });
  listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on('notification', (m) => {
    if (m.channel === 'domain_events') announced.push(m.payload ?? '');
  });
  await listener.query('LISTEN domain_events');
});
afterAll(async () => {
  await listener.end();
  await t.close();
});

describe('domain events of comment changes', () => {
  it('should record a pending comment without its body, then its approval with the public view and the new count', async () => {
    const a = await createArticle(t);
    const reader = await createUser(t);
    const id = (await post(reader, a.slug, 'Тайният текст на чакащ коментар')).body.comment.id as string;

    const [created] = await eventsOf(a.id);
    expect(created).toMatchObject({
      type: 'comment.created',
      articleId: a.id,
      data: {
        comment: { id, status: 'pending', deleted: false },
        article: { id: a.id, slug: a.slug },
        fromStatus: null,
        toStatus: 'pending',
        visible: false,
        visibleDelta: 0,
      },
    });
    expect(JSON.stringify(created!.data)).not.toContain('Тайният');
    expect(JSON.stringify(created!.data)).not.toContain(reader.email);

    await decide(id, 'approved').expect(200);
    const [, approved, count, ...rest] = await eventsOf(a.id);
    expect(rest).toEqual([]);
    expect(approved).toMatchObject({
      type: 'comment.approved',
      data: {
        comment: {
          id,
          body: 'Тайният текст на чакащ коментар',
          author: { id: reader.id, username: reader.username },
          status: 'approved',
          deleted: false,
          parentId: null,
          depth: 0,
        },
        article: { id: a.id, slug: a.slug },
        fromStatus: 'pending',
        toStatus: 'approved',
        visible: true,
        visibleDelta: 1,
      },
    });
    expect(count).toMatchObject({
      type: 'article.comment_count.changed',
      articleId: a.id,
      data: { article: { id: a.id, slug: a.slug }, count: 1 },
    });
    expect(BigInt(count!.id)).toBeGreaterThan(BigInt(approved!.id));
    // The public view is the one the API serves for that comment.
    const served = (await t.http.get(`/api/comments/${id}`).expect(200)).body.comment as Record<string, unknown>;
    expect(approved!.data.comment).toEqual(served);
    expect(JSON.stringify(approved!.data)).not.toContain(reader.email);
  });

  it('should record spam as comment.rejected with toStatus spam, and a delete with the count going down', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const reader = await createUser(t);
    const first = (await post(reader, a.slug, 'Пост-модерация: видим веднага')).body.comment;
    expect(first.status).toBe('approved');
    const second = (await post(reader, a.slug, 'Втори видим коментар')).body.comment;
    await decide(first.id, 'spam').expect(200);
    await t.http.delete(`/api/comments/${second.id}`).set(authHeader(reader)).expect(204);

    const events = await eventsOf(a.id);
    expect(events.map((e) => [e.type, (e.data as { count?: number }).count])).toEqual([
      ['comment.created', undefined],
      ['article.comment_count.changed', 1],
      ['comment.created', undefined],
      ['article.comment_count.changed', 2],
      ['comment.rejected', undefined],
      ['article.comment_count.changed', 1],
      ['comment.deleted', undefined],
      ['article.comment_count.changed', 0],
    ]);
    expect(events[0]!.data).toMatchObject({
      comment: { id: first.id, body: 'Пост-модерация: видим веднага' },
      visible: true,
      visibleDelta: 1,
    });
    expect(events[4]!.data).toMatchObject({
      comment: { id: first.id, status: 'spam' },
      fromStatus: 'approved',
      toStatus: 'spam',
      visible: false,
      visibleDelta: -1,
    });
    expect(events[4]!.data.comment).not.toHaveProperty('body');
    expect(events[6]!.data).toMatchObject({
      comment: { id: second.id, deleted: true },
      fromStatus: 'approved',
      toStatus: 'approved',
      visible: false,
      visibleDelta: -1,
    });
  });

  it('should record an edit as comment.updated and a bulk decision as one event per comment and one count per article', async () => {
    const [a, b] = [await createArticle(t), await createArticle(t)];
    const reader = await createUser(t);
    const ids = [
      (await post(reader, a.slug, 'Първи в А')).body.comment.id as string,
      (await post(reader, a.slug, 'Втори в А')).body.comment.id as string,
      (await post(reader, b.slug, 'Първи в Б')).body.comment.id as string,
    ];
    await t.http.patch(`/api/comments/${ids[0]}`).set(authHeader(reader)).send({ body: 'Първи в А, поправен' }).expect(200);
    const bulk = await t.http.post('/api/admin/comments/bulk').set(authHeader(admin)).send({ ids, status: 'approved' }).expect(200);
    expect(bulk.body.applied).toBe(3);

    const ofA = await eventsOf(a.id);
    expect(ofA.map((e) => e.type)).toEqual([
      'comment.created',
      'comment.created',
      'comment.updated',
      'comment.approved',
      'comment.approved',
      'article.comment_count.changed',
    ]);
    expect(ofA[2]!.data).toMatchObject({
      comment: { id: ids[0], status: 'pending' },
      fromStatus: 'pending',
      toStatus: 'pending',
      visibleDelta: 0,
    });
    expect(JSON.stringify(ofA[2]!.data)).not.toContain('поправен');
    expect(ofA[5]!.data).toMatchObject({ count: 2 });
    expect((await eventsOf(b.id)).map((e) => e.type)).toEqual(['comment.created', 'comment.approved', 'article.comment_count.changed']);
  });

  it('should record nothing for a refused decision, a lost version race or a rolled-back transaction', async () => {
    const a = await createArticle(t);
    const reader = await createUser(t);
    const id = (await post(reader, a.slug, 'Ще бъде отхвърлен')).body.comment.id as string;
    await decide(id, 'rejected').expect(200);
    const before = await eventsOf(a.id);

    expect((await decide(id, 'rejected')).status).toBe(409); // rejected → rejected is no transition
    const snapshot = await t.prisma.comment.findUniqueOrThrow({ where: { id }, select: commentSnapshotSelect });
    await expect(
      applyCommentChange(t.prisma.pool, { ...snapshot, version: snapshot.version - 1 }, { status: 'approved' }, null),
    ).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });
    await expect(
      t.prisma.$transaction(async (tx) => {
        await applyCommentChange(tx, snapshot, { status: 'approved' }, { action: 'approve', actorId: null });
        expect(await tx.domainEvent.count({ where: { articleId: a.id } })).toBe(before.length + 2); // inside, the rows exist
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');

    expect(await eventsOf(a.id)).toEqual(before);
    expect((await t.prisma.article.findUniqueOrThrow({ where: { id: a.id } })).approvedCommentCount).toBe(0);
  });
});

describe('domain events of bans', () => {
  it('should record user.banned before the rejections it causes, and user.unbanned, without the email', async () => {
    const a = await createArticle(t);
    const reader = await createUser(t);
    const id = (await post(reader, a.slug, 'Чакащ преди бана')).body.comment.id as string;
    const res = await t.http
      .post(`/api/admin/users/${reader.id}/ban`)
      .set(authHeader(admin))
      .send({ reason: 'обиди', until: '2999-01-01T00:00:00.000Z', rejectPending: true });
    expect(res.status).toBe(200);
    await t.http.delete(`/api/admin/users/${reader.id}/ban`).set(authHeader(admin)).expect(200);

    const rows = await t.prisma.domainEvent.findMany({
      where: {
        OR: [
          { type: { startsWith: 'user.' }, data: { path: ['user', 'id'], equals: reader.id } },
          { articleId: a.id, type: 'comment.rejected' },
        ],
      },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => [r.type, r.articleId])).toEqual([
      ['user.banned', null],
      ['comment.rejected', a.id],
      ['user.unbanned', null],
    ]);
    expect(rows[0]!.data).toEqual({
      user: { id: reader.id, username: reader.username },
      until: '2999-01-01T00:00:00.000Z',
      reason: 'обиди',
    });
    expect(rows[1]!.data).toMatchObject({ comment: { id, status: 'rejected' }, toStatus: 'rejected', visibleDelta: 0 });
    expect(rows[2]!.data).toEqual({ user: { id: reader.id, username: reader.username } });
    expect(JSON.stringify(rows.map((r) => r.data))).not.toContain(reader.email);
  });

  it('should record nothing when the ban is refused', async () => {
    const moderator = await createUser(t, { role: 'moderator' });
    const other = await createUser(t, { role: 'moderator' });
    expect((await t.http.post(`/api/admin/users/${other.id}/ban`).set(authHeader(moderator)).send({ reason: 'no' })).status).toBe(403);
    expect(await t.prisma.domainEvent.count({ where: { type: 'user.banned', data: { path: ['user', 'id'], equals: other.id } } })).toBe(0);
  });
});

describe('announcement', () => {
  it('should announce the ids of committed events on the domain_events channel, and never those rolled back', async () => {
    const a = await createArticle(t);
    const reader = await createUser(t);
    const id = (await post(reader, a.slug, 'Обявен')).body.comment.id as string;
    await decide(id, 'approved').expect(200);
    const committed = (await eventsOf(a.id)).map((e) => e.id);
    expect(committed).toHaveLength(3);
    expect(await announcedAll(committed)).toBe(true);
    // Payloads are ids only.
    expect(announced.every((p) => /^\d+(,\d+)*$/.test(p))).toBe(true);

    // A rolled-back change: its ids are taken from the identity but never announced.
    const snapshot = await t.prisma.comment.findUniqueOrThrow({ where: { id }, select: commentSnapshotSelect });
    let rolledBack: string[] = [];
    await expect(
      t.prisma.$transaction(async (tx) => {
        await applyCommentChange(tx, snapshot, { status: 'rejected' }, null);
        rolledBack = (await tx.domainEvent.findMany({ where: { articleId: a.id, id: { gt: BigInt(committed.at(-1)!) } } })).map((r) =>
          r.id.toString(),
        );
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(rolledBack).toHaveLength(2);
    // A later committed change is announced; the rolled-back ids never are.
    await decide(id, 'rejected').expect(200);
    const later = (await eventsOf(a.id)).map((e) => e.id).slice(3);
    expect(await announcedAll(later)).toBe(true);
    expect(announced.flatMap((p) => p.split(',')).filter((x) => rolledBack.includes(x))).toEqual([]);
  });

  it('should split a large statement into several notifications below the payload limit', async () => {
    const a = await createArticle(t);
    const reader = await createUser(t);
    const comments = await t.prisma.comment.createManyAndReturn({
      data: Array.from({ length: 400 }, (_, i) => ({ articleId: a.id, authorId: reader.id, body: `Коментар ${i}` })),
      select: { id: true },
    });
    announced.length = 0;
    const bulk = await t.http
      .post('/api/admin/comments/bulk')
      .set(authHeader(admin))
      .send({ ids: comments.map((c) => c.id), status: 'approved' })
      .expect(200);
    expect(bulk.body.applied).toBe(400);
    const ids = (await eventsOf(a.id)).map((e) => e.id);
    expect(ids).toHaveLength(401);
    expect(await announcedAll(ids)).toBe(true);
    const mine = announced.filter((p) => p.split(',').some((x) => ids.includes(x)));
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.every((p) => p.length < 8000 && p.split(',').length <= 300)).toBe(true);
  });
});

describe('retention', () => {
  it('should delete events older than DOMAIN_EVENTS_RETENTION_HOURS and keep newer ones, one instance at a time', async () => {
    const a = await createArticle(t);
    const old = new Date(Date.now() - 25 * 3600_000);
    const recent = new Date(Date.now() - 23 * 3600_000);
    await t.prisma.domainEvent.createMany({
      data: [
        ...Array.from({ length: 3 }, () => ({
          type: 'article.comment_count.changed',
          articleId: a.id,
          occurredAt: old,
          data: { count: 0 },
        })),
        { type: 'article.comment_count.changed', articleId: a.id, occurredAt: recent, data: { count: 1 } },
      ],
    });
    const retention = t.app.get(EventRetentionService);
    // Two instances purging at the same moment: at most one deletes, neither fails.
    const [x, y] = await Promise.all([retention.purge(), retention.purge()]);
    expect((x ?? 0) + (y ?? 0)).toBeGreaterThanOrEqual(3);
    const left = await t.prisma.domainEvent.findMany({ where: { articleId: a.id } });
    expect(left.map((r) => r.data)).toEqual([{ count: 1 }]);
  });
});
