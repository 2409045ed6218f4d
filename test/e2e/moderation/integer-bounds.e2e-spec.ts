import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, postComment, type TestUser } from '../../factories/index.js';

/**
 * Integers in requests stay within PostgreSQL's `integer` (issue 25): a version past 2^31-1 on an existing comment
 * was a 500 ("out of range for type integer"). Every @IsInt carries a bound (the document build checks it).
 */
let t: TestApp;
let moderator: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  moderator = await createUser(t, { role: 'moderator' });
});
afterAll(async () => {
  await t.close();
});

const HUGE: [string, string][] = [
  ['2147483648', '2147483648'],
  ['1e21', '1e21'],
  ['1e308', '1e308'],
  ['2^53', String(2 ** 53)],
];

describe('Integers beyond the database range', () => {
  it.each(HUGE)('should answer 400 for a decision with version %s on an existing comment', async (_name, raw) => {
    const article = await createArticle(t);
    const comment = await postComment(t, article, await createUser(t));
    const res = await t.http
      .patch(`/api/admin/comments/${comment.id}`)
      .set(authHeader(moderator))
      .set('Content-Type', 'application/json')
      .send(`{"status":"approved","version":${raw}}`)
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'version' }] });
    const bulk = await t.http
      .post('/api/admin/comments/bulk')
      .set(authHeader(moderator))
      .set('Content-Type', 'application/json')
      .send(`{"status":"approved","ids":["${comment.id}"],"versions":[${raw}]}`)
      .expect(400);
    expect(bulk.body.error.code).toBe('VALIDATION_FAILED');
  });
});
