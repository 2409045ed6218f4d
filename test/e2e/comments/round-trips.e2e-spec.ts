import type pg from 'pg';
import { WordFilterService } from '../../../src/word-filter/word-filter.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createArticle, createUser, type TestUser } from '../../factories/index.js';

/**
 * Every database round trip costs more than the work it carries (network, protocol, kernel): the hot reads take
 * one, and every comment write takes one statement after the reads it needs, whatever it changes (status,
 * counters, audit). Counted at the pg pool that Prisma and the read path share.
 */

let t: TestApp;
let author: TestUser;
let moderator: TestUser;
let slug: string;
let statements: string[] = [];

beforeAll(async () => {
  // The webhook worker polls its queue on the same pool in the background: not part of any request.
  t = await startTestApp({ WEBHOOK_WORKER: 'false' });
  author = await createUser(t);
  moderator = await createUser(t, { role: 'moderator' });
  ({ slug } = await createArticle(t));
  // Every query the application sends, through the pool directly or on a checked-out client (transactions).
  const pool = t.prisma.pool;
  const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- pg's query has callback and promise forms
  vi.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
    statements.push(textOf(args[0]));
    return poolQuery(...args);
  }) as typeof pool.query);
  // Transactions check a client out; pool.query itself checks one out too (callback form), already counted above.
  const connect = pool.connect.bind(pool) as (cb?: unknown) => Promise<pg.PoolClient> | undefined;
  const counting = (client: pg.PoolClient) => {
    const clientQuery = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      statements.push(textOf(args[0]));
      return clientQuery(...args);
    }) as typeof client.query;
    return client;
  };
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- pg's connect has callback and promise forms
  vi.spyOn(pool, 'connect').mockImplementation(((cb?: unknown) => {
    if (typeof cb === 'function') return connect(cb);
    return connect()!.then((client) => {
      // A client goes back to the pool afterwards: restore its own query method on release.
      const original = client.query;
      const release = client.release.bind(client);
      counting(client).release = ((err?: Error | boolean) => {
        client.query = original;
        client.release = release;
        release(err);
      }) as typeof client.release;
      return client;
    });
  }) as typeof pool.connect);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.close();
});
beforeEach(() => {
  vi.spyOn(t.app.get(WordFilterService), 'check').mockResolvedValue({ verdict: 'clean' });
  statements = [];
});

const textOf = (q: unknown) => (typeof q === 'string' ? q : String((q as { text?: string }).text ?? q)).replace(/\s+/g, ' ').slice(0, 80);

async function roundTrips(request: () => Promise<unknown>): Promise<string[]> {
  statements = [];
  await request();
  return statements;
}

describe('database round trips per request', () => {
  it('should answer the count, the article and an anonymous comment page with one query each', async () => {
    expect(await roundTrips(() => t.http.get(`/api/articles/${slug}/comments/count`).expect(200))).toHaveLength(1);
    expect(await roundTrips(() => t.http.get(`/api/articles/${slug}`).expect(200))).toHaveLength(1);
    expect(await roundTrips(() => t.http.get(`/api/articles/${slug}/comments`).expect(200))).toHaveLength(1);
    expect(await roundTrips(() => t.http.get('/api/articles').expect(200))).toHaveLength(1);
  });

  it('should answer a signed-in comment page with the user lookup and one query', async () => {
    expect(
      await roundTrips(() => t.http.get(`/api/articles/${slug}/comments`).set('Authorization', bearer(author)).expect(200)),
    ).toHaveLength(2);
  });

  it('should post with the user lookup, one read and one statement (status, counters, audit and checks together)', async () => {
    const trips = await roundTrips(() =>
      t.http.post(`/api/articles/${slug}/comments`).set('Authorization', bearer(author)).send({ body: 'едно пътуване' }).expect(201),
    );
    expect(trips).toHaveLength(3);
    expect(trips.some((s) => /^(BEGIN|COMMIT)/i.test(s))).toBe(false);
  });

  it('should decide with the user lookup and one statement, and delete with one read more', async () => {
    const id = (
      await t.http.post(`/api/articles/${slug}/comments`).set('Authorization', bearer(author)).send({ body: 'за решение' }).expect(201)
    ).body.comment.id as string;
    const decided = await roundTrips(() =>
      t.http.patch(`/api/admin/comments/${id}`).set('Authorization', bearer(moderator)).send({ status: 'approved' }).expect(200),
    );
    expect(decided).toHaveLength(2);
    expect(await roundTrips(() => t.http.delete(`/api/comments/${id}`).set('Authorization', bearer(author)).expect(204))).toHaveLength(3);
    expect(await t.prisma.moderationAction.count({ where: { commentId: id } })).toBe(2);
    expect((await t.prisma.article.findUniqueOrThrow({ where: { slug } })).approvedCommentCount).toBe(0);
  });
});
