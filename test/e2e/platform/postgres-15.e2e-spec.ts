import pg from 'pg';
import { recount } from '../../../src/comment-core/recount.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createArticle, createComment, createReader, type TestUser } from '../../factories/index.js';

/**
 * The oldest PostgreSQL the service supports, 15 (Debian 12's, which these machines run on 127.0.0.1:5432), beside
 * the embedded 18 the rest of the suite uses: syntax that only newer servers know (RETURNING old.*, uuidv7(), MERGE …
 * RETURNING) fails there with a 500. TEST_PG15_URL names another server; on a machine without one the file says so
 * and is skipped (the other tests cover the same behaviour on 18).
 */
const PG15_URL = process.env.TEST_PG15_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function serverVersion(url: string): Promise<number | undefined> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    return Number(rows[0]!.v);
  } catch {
    return undefined;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const version = await serverVersion(PG15_URL);
if (version === undefined) console.warn(`no PostgreSQL at ${PG15_URL}: the PostgreSQL 15 tests are skipped`);

describe.skipIf(version === undefined)('the service on PostgreSQL 15', () => {
  let db: ScratchDatabase;
  let t: TestApp;

  beforeAll(async () => {
    expect(Math.floor(version! / 10000)).toBe(15);
    db = await scratchDatabase('pg15', { migrated: true, adminUrl: PG15_URL });
    t = await startTestApp({ DATABASE_URL: db.url, REACTION_KINDS: 'like,insightful' });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('should count reactions given, changed and taken back at once exactly, with no drift for recount', async () => {
    const article = await createArticle(t);
    const author = await createReader(t);
    const comment = await createComment(t, article, author, { status: 'approved' });
    const readers: TestUser[] = await Promise.all(Array.from({ length: 20 }, () => createReader(t)));
    const path = `/api/comments/${comment.id}/reactions/mine`;
    const put = (u: TestUser, kind: string) => t.http.put(path).set(authHeader(u)).send({ kind });

    const given = await Promise.all(readers.map((r, i) => put(r, i % 2 ? 'insightful' : 'like')));
    expect(given.map((r) => r.status)).toEqual(Array(20).fill(200));
    // Ten change their kind, five repeat theirs, five take it back, all at once.
    await Promise.all(
      readers.map((r, i) =>
        i < 10
          ? put(r, i % 2 ? 'like' : 'insightful').expect(200)
          : i < 15
            ? put(r, i % 2 ? 'insightful' : 'like').expect(200)
            : t.http.delete(path).set(authHeader(r)).expect(200),
      ),
    );
    const stored = await t.prisma.comment.findUniqueOrThrow({
      where: { id: comment.id },
      select: { reactions: true, reactionCount: true },
    });
    // Readers 0-9 swapped (5 like, 5 insightful still), 10-14 kept theirs (10,12,14 like; 11,13 insightful), 15-19 gone.
    expect(stored).toEqual({ reactions: { like: 8, insightful: 7 }, reactionCount: 15 });
    const drift = await recount(t.prisma.pool, { repair: false });
    expect(drift.reactions).toEqual([]);
  });
});
