import { startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createArticle, createUser, type TestUser } from '../../factories/index.js';

describe('comment posting rate limits (RATE_LIMIT_ENABLED=true)', () => {
  let t: TestApp;
  let slug: string;
  let first: TestUser;
  let second: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_ENABLED: 'true' });
    ({ slug } = await createArticle(t));
    [first, second] = [await createUser(t), await createUser(t)];
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer the 11th post within a minute with 429 and Retry-After, per user, and stores nothing for it', async () => {
    for (let i = 0; i < 10; i++) {
      await t.http
        .post(`/api/articles/${slug}/comments`)
        .set('Authorization', bearer(first))
        .send({ body: `comment number ${i}` })
        .expect(201);
    }
    const limited = await t.http
      .post(`/api/articles/${slug}/comments`)
      .set('Authorization', bearer(first))
      .send({ body: 'one too many' })
      .expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.prisma.comment.count({ where: { authorId: first.id } })).toBe(10);
    // Another reader from the same address still gets through: the limit is per user first.
    await t.http
      .post(`/api/articles/${slug}/comments`)
      .set('Authorization', bearer(second))
      .send({ body: 'a different reader' })
      .expect(201);
  });
});
