import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { recount } from '../../../src/comment-core/recount.js';
import { createPool } from '../../../src/database/pool.js';
import type { ImportFormat, SourceRecord } from '../../../src/import/import-records.js';
import { Importer, type ImportReport } from '../../../src/import/importer.js';
import { exportNative } from '../../../src/import/native-export.js';
import { exportSite } from '../../../src/import/site-export.js';
import { readRecords } from '../../../src/import/readers.js';
import { readFileChunks, readUtf8Chunks } from '../../../src/import/source-file.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/import');
const fixture = (name: string) => join(FIXTURES, name);

interface Db {
  scratch: ScratchDatabase;
  pool: pg.Pool;
}
const open: Db[] = [];

async function emptyDatabase(): Promise<pg.Pool> {
  const scratch = await scratchDatabase('imp', { migrated: true });
  const pool = createPool(scratch.url, { max: 3 });
  open.push({ scratch, pool });
  return pool;
}

afterAll(async () => {
  for (const { scratch, pool } of open) {
    await pool.end();
    await scratch.drop();
  }
});

function importFile(pool: pg.Pool, format: ImportFormat, path: string, opts: { batchSize?: number } = {}): Promise<ImportReport> {
  return new Importer(pool, { format, sourceName: path, batchSize: opts.batchSize }).run(readRecords(format, readFileChunks(path)));
}

async function rows<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<R[]> {
  return (await pool.query<R>(sql, values)).rows;
}

/** Every comment by its import key: where it sits and what it says. */
async function commentsByKey(pool: pg.Pool) {
  const list = await rows<{
    key: string;
    parent_key: string | null;
    root_key: string | null;
    depth: number;
    status: string;
    deleted: boolean;
    body: string;
    slug: string;
    created_at: Date;
    author: string;
  }>(
    pool,
    `SELECT c.import_key AS key, p.import_key AS parent_key, r.import_key AS root_key, c.depth, c.status::text AS status,
            c.deleted_at IS NOT NULL AS deleted, c.body, a.slug, c.created_at, u.display_name AS author
     FROM comments c JOIN articles a ON a.id = c.article_id JOIN users u ON u.id = c.author_id
     LEFT JOIN comments p ON p.id = c.parent_id LEFT JOIN comments r ON r.id = c.root_id`,
  );
  return new Map(list.map((c) => [c.key, c]));
}

/** Comments whose reply_count is not the number of their approved, not deleted direct replies. */
async function replyCountDrift(pool: pg.Pool) {
  return rows(
    pool,
    `SELECT p.import_key, p.reply_count FROM comments p
     WHERE p.reply_count <> (SELECT count(*) FROM comments c WHERE c.parent_id = p.id AND c.status = 'approved' AND c.deleted_at IS NULL)`,
  );
}

async function existingArticle(pool: pg.Pool, slug: string): Promise<string> {
  const [row] = await rows<{ id: string }>(
    pool,
    `INSERT INTO articles (id, slug, title, blocks, updated_at) VALUES (gen_random_uuid(), $1, 'Existing', '[]', now()) RETURNING id`,
    [slug],
  );
  return row!.id;
}

describe('import from Disqus', () => {
  let pool: pg.Pool;
  let report: ImportReport;

  beforeAll(async () => {
    pool = await emptyDatabase();
    await existingArticle(pool, 'import-existing-article');
    report = await importFile(pool, 'disqus', fixture('disqus-sample.xml'));
  });

  it('should import every post, with the counts of the report', () => {
    expect(report.status).toBe('finished');
    expect(report.comments).toEqual({ read: 8, imported: 8, skipped: 0, failed: 0, orphans: 1 });
    expect(report.articles).toEqual({ matched: 1, created: 1 });
    expect(report.authors).toEqual({ created: 5, reused: 0 });
    expect(report.problems).toEqual([expect.objectContaining({ key: '9008', outcome: 'orphan' })]);
    expect(report.problems[0]!.place).toMatch(/^line \d+, column \d+$/);
  });

  it('should put a thread on the article whose slug is its identifier, and create a stub for the other by URL', async () => {
    const articles = await rows<{
      slug: string;
      url: string | null;
      title: string;
      import_key: string | null;
      approved_comment_count: number;
    }>(pool, 'SELECT slug, url, title, import_key, approved_comment_count FROM articles ORDER BY slug');
    expect(articles).toEqual([
      { slug: 'import-existing-article', url: null, title: 'Existing', import_key: null, approved_comment_count: 3 },
      {
        slug: 'levski-pobedi',
        url: 'https://vestnik.example.bg/sport/levski-pobedi',
        title: 'Левски победи с 2:0',
        import_key: 'disqus:7002',
        approved_comment_count: 2,
      },
    ]);
  });

  it('should keep threads, statuses, deletions, timestamps and the text with its links', async () => {
    const c = await commentsByKey(pool);
    expect(c.get('disqus:9001')).toMatchObject({
      parent_key: null,
      depth: 0,
      status: 'approved',
      deleted: false,
      body: 'Най-сетне! Бюджетът е приет.\n\nВижте https://www.minfin.bg/bg/budget',
      created_at: new Date('2019-03-01T09:15:00Z'),
      author: 'Иван Петров',
    });
    // 9003 answers 9002, which comes after it in the file.
    expect(c.get('disqus:9002')).toMatchObject({
      parent_key: 'disqus:9001',
      root_key: 'disqus:9001',
      depth: 1,
      body: 'А кой ще плати?\nПак ние.',
    });
    expect(c.get('disqus:9003')).toMatchObject({
      parent_key: 'disqus:9002',
      root_key: 'disqus:9001',
      depth: 2,
      body: 'Отговор на отговора — съгласен съм.',
    });
    expect(c.get('disqus:9004')).toMatchObject({ status: 'spam', deleted: false });
    expect(c.get('disqus:9005')).toMatchObject({ status: 'approved', deleted: true, parent_key: 'disqus:9001' });
    expect(c.get('disqus:9006')).toMatchObject({ status: 'pending', slug: 'levski-pobedi' });
    // A reply whose parent is not in the export: kept, as a top-level comment.
    expect(c.get('disqus:9008')).toMatchObject({ parent_key: null, depth: 0, status: 'approved' });
  });

  it('should make each author one unclaimed account without password or login email, named by the username rules', async () => {
    const users = await rows<{
      username: string;
      display_name: string;
      email: string | null;
      password_hash: string | null;
      unclaimed: boolean;
      claim_email: string | null;
      approved_comment_count: number;
    }>(
      pool,
      'SELECT username, display_name, email, password_hash, unclaimed, claim_email, approved_comment_count FROM users ORDER BY display_name',
    );
    expect(users.map((u) => u.display_name)).toEqual(['Георги', 'Гост', 'Иван Петров', 'Мария', 'Петър']);
    for (const u of users) {
      expect(u).toMatchObject({ email: null, password_hash: null, unclaimed: true });
      expect(u.username).toMatch(/^[a-zA-Zа-яА-Я0-9_-]{3,32}$/);
    }
    expect(users.find((u) => u.display_name === 'Иван Петров')).toMatchObject({
      username: 'Иван_Петров',
      claim_email: 'ivan.petrov@example.bg',
      approved_comment_count: 2,
    });
    expect(users.find((u) => u.display_name === 'Гост')).toMatchObject({ claim_email: null, approved_comment_count: 0 });
  });

  it('should leave counters exact, fire no domain events, keep no IP address, and audit the run', async () => {
    expect(await recount(pool, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });
    expect(await replyCountDrift(pool)).toEqual([]);
    const [parent] = await rows<{ reply_count: number }>(pool, `SELECT reply_count FROM comments WHERE import_key = 'disqus:9001'`);
    // 9002 (approved) counts; 9005 (deleted) does not.
    expect(parent!.reply_count).toBe(1);
    expect(await rows(pool, 'SELECT id FROM domain_events')).toEqual([]);
    const everything = await rows<{ t: string }>(
      pool,
      `SELECT concat_ws(' ', (SELECT string_agg(u::text, ' ') FROM users u), (SELECT string_agg(c::text, ' ') FROM comments c),
                             (SELECT string_agg(i::text, ' ') FROM imports i), (SELECT string_agg(m::text, ' ') FROM moderation_actions m)) AS t`,
    );
    for (const ip of ['203.0.113.17', '198.51.100.4', '192.0.2.99']) expect(everything[0]!.t).not.toContain(ip);
    const audit = await rows<{ action: string; moderator_id: string | null; details: { importId: string; status: string } }>(
      pool,
      'SELECT action, moderator_id, details FROM moderation_actions',
    );
    expect(audit).toEqual([
      { action: 'import', moderator_id: null, details: expect.objectContaining({ importId: report.importId, status: 'finished' }) },
    ]);
    const [run] = await rows<{ status: string; comments_imported: number; finished_at: Date | null }>(
      pool,
      'SELECT status::text, comments_imported, finished_at FROM imports WHERE id = $1',
      [report.importId],
    );
    expect(run).toMatchObject({ status: 'finished', comments_imported: 8, finished_at: expect.any(Date) });
  });

  it('should import nothing the second time (idempotent by source id)', async () => {
    const again = await importFile(pool, 'disqus', fixture('disqus-sample.xml'));
    expect(again.comments).toMatchObject({ read: 8, imported: 0, skipped: 8, failed: 0 });
    expect(again.authors.created).toBe(0);
    expect(again.articles.created).toBe(0);
    expect(await rows(pool, 'SELECT id FROM comments')).toHaveLength(8);
    expect(await recount(pool, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });
  });
});

describe('import from WordPress WXR', () => {
  let pool: pg.Pool;
  let report: ImportReport;

  beforeAll(async () => {
    pool = await emptyDatabase();
    report = await importFile(pool, 'wordpress', fixture('wordpress-sample.xml'));
  });

  it('should import the comments, skip pingbacks, and create articles only for posts with comments', async () => {
    expect(report.comments).toEqual({ read: 6, imported: 5, skipped: 1, failed: 0, orphans: 0 });
    expect(report.problems).toEqual([
      expect.objectContaining({ key: '105', outcome: 'skipped', reason: expect.stringContaining('pingback') }),
    ]);
    const articles = await rows<{ slug: string; url: string }>(pool, 'SELECT slug, url FROM articles ORDER BY slug');
    expect(articles).toEqual([
      { slug: 'redaktorski-izbor', url: 'https://blog.example.bg/2020/03/redaktorski-izbor/' },
      { slug: 'zimata-idva', url: 'https://blog.example.bg/2020/01/zimata-idva/' },
    ]);
  });

  it('should map statuses (1, 0, spam, trash), threads, GMT dates, paragraphs and links', async () => {
    const c = await commentsByKey(pool);
    expect(c.get('wordpress:101')).toMatchObject({
      status: 'approved',
      body: 'Студено е вече.\n\nПодробности: прогнозата (https://meteo.example.bg/prognoza) & радарът.',
      created_at: new Date('2020-01-06T08:00:00Z'),
    });
    expect(c.get('wordpress:102')).toMatchObject({ parent_key: 'wordpress:101', depth: 1, status: 'approved' });
    expect(c.get('wordpress:103')).toMatchObject({ status: 'spam', deleted: false });
    expect(c.get('wordpress:104')).toMatchObject({ status: 'rejected', deleted: true, parent_key: 'wordpress:101' });
    // No GMT date in the export: the local one, read as UTC.
    expect(c.get('wordpress:106')).toMatchObject({ status: 'pending', created_at: new Date('2020-03-01T10:00:00Z') });
    const users = await rows<{ display_name: string; claim_email: string | null }>(
      pool,
      'SELECT display_name, claim_email FROM users ORDER BY display_name',
    );
    expect(users).toEqual([
      { display_name: 'Spammer', claim_email: 'spam@spam.example.com' },
      { display_name: 'editor', claim_email: 'editor@blog.example.bg' },
      { display_name: 'Елена Иванова', claim_email: 'elena@example.bg' },
      { display_name: 'Стоян', claim_email: null },
    ]);
    expect(await recount(pool, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });
  });
});

describe('import from Coral (mongoexport JSON lines)', () => {
  let pool: pg.Pool;
  let report: ImportReport;

  beforeAll(async () => {
    pool = await emptyDatabase();
    await existingArticle(pool, 'import-existing-article');
    report = await importFile(pool, 'coral', fixture('coral-sample.jsonl'));
  });

  it('should import every comment, match one story by its URL and create the other', async () => {
    expect(report.status).toBe('finished');
    expect(report.comments).toEqual({ read: 9, imported: 9, skipped: 0, failed: 0, orphans: 1 });
    expect(report.articles).toEqual({ matched: 1, created: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ key: 'c-8', outcome: 'orphan', place: 'line 14, column 1' })]);
    const articles = await rows<{ slug: string; title: string; approved_comment_count: number }>(
      pool,
      'SELECT slug, title, approved_comment_count FROM articles ORDER BY slug',
    );
    expect(articles).toEqual([
      { slug: 'import-existing-article', title: 'Existing', approved_comment_count: 2 },
      { slug: 'teatar-premiera', title: 'Премиера в Народния театър', approved_comment_count: 2 },
    ]);
  });

  it('should map statuses (NONE, APPROVED, PREMOD, withheld, rejected, spam-detected), the last revision, threads and deletions', async () => {
    const c = await commentsByKey(pool);
    expect(c.get('coral:c-1')).toMatchObject({
      status: 'approved',
      depth: 0,
      body: 'Бюджетът е приет.\nВижте таблиците (https://www.minfin.bg/bg/budget)',
      created_at: new Date('2021-03-01T09:15:00Z'),
      author: 'Иван Петров',
    });
    expect(c.get('coral:c-2')).toMatchObject({
      status: 'approved',
      parent_key: 'coral:c-1',
      depth: 1,
      body: 'Съгласна съм!\nКрайно време.',
    });
    expect(c.get('coral:c-3')).toMatchObject({ status: 'spam', deleted: false });
    expect(c.get('coral:c-4')).toMatchObject({ status: 'pending' });
    expect(c.get('coral:c-5')).toMatchObject({ status: 'approved', deleted: true, body: '(deleted)', author: 'Deleted account' });
    // c-6 answers c-7, which comes after it in the file.
    expect(c.get('coral:c-6')).toMatchObject({ parent_key: 'coral:c-7', depth: 1, body: '„Хамлет“ беше великолепен.' });
    expect(c.get('coral:c-8')).toMatchObject({ status: 'pending', parent_key: null, depth: 0 });
    expect(c.get('coral:c-9')).toMatchObject({ status: 'rejected', deleted: false });
    const [edited] = await rows<{ edited_at: Date | null }>(pool, "SELECT edited_at FROM comments WHERE import_key = 'coral:c-1'");
    expect(edited!.edited_at).toEqual(new Date('2021-03-01T09:20:00Z'));
  });

  it('should make unclaimed accounts with the claim address, leave counters exact, and import nothing the second time', async () => {
    const users = await rows<{ display_name: string; claim_email: string | null; email: string | null; unclaimed: boolean }>(
      pool,
      'SELECT display_name, claim_email, email, unclaimed FROM users ORDER BY display_name',
    );
    expect(users).toEqual([
      { display_name: 'Deleted account', claim_email: null, email: null, unclaimed: true },
      { display_name: 'evtini_kredapi', claim_email: 'offers@spam.example.com', email: null, unclaimed: true },
      { display_name: 'Иван Петров', claim_email: 'ivan.petrov@example.bg', email: null, unclaimed: true },
      { display_name: 'Мария', claim_email: 'maria@example.bg', email: null, unclaimed: true },
    ]);
    expect(await recount(pool, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });
    const again = await importFile(pool, 'coral', fixture('coral-sample.jsonl'));
    expect(again.comments).toMatchObject({ imported: 0, skipped: 9, failed: 0 });
  });

  it('should refuse a file that is not a Coral export, naming the line', async () => {
    await expect(importFile(pool, 'coral', fixture('remark42-sample.jsonl'))).rejects.toThrow(
      /not a Coral export: expected a story, user or comment document .*\(line 1, column 1\)/,
    );
  });
});

describe('import from Remark42 (backup)', () => {
  let pool: pg.Pool;
  let report: ImportReport;

  beforeAll(async () => {
    pool = await emptyDatabase();
    report = await importFile(pool, 'remark42', fixture('remark42-sample.jsonl'));
  });

  it('should import every comment, one article per post URL, titled from its comments', async () => {
    expect(report.comments).toEqual({ read: 7, imported: 7, skipped: 0, failed: 0, orphans: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ key: 'b1f6c3a2-6f0e-4d57-9a43-1f5c0e2d7a07', outcome: 'orphan' })]);
    const articles = await rows<{ slug: string; title: string; url: string; approved_comment_count: number }>(
      pool,
      'SELECT slug, title, url, approved_comment_count FROM articles ORDER BY slug',
    );
    expect(articles).toEqual([
      { slug: 'more', title: 'Лято на морето', url: 'https://blog.example.bg/2021/06/more.html', approved_comment_count: 2 },
      { slug: 'planina', title: 'Разходка в планината', url: 'https://blog.example.bg/2021/05/planina', approved_comment_count: 3 },
    ]);
  });

  it("should keep threads, times, edits and text; reject a blocked user's comments; keep deletions; read no IP hash", async () => {
    const c = await commentsByKey(pool);
    const k = (n: string) => `remark42:b1f6c3a2-6f0e-4d57-9a43-1f5c0e2d7a0${n}`;
    expect(c.get(k('1'))).toMatchObject({
      status: 'approved',
      body: 'Страхотна разходка! Ето картата (https://maps.example.bg/rila).',
      created_at: new Date('2021-05-10T08:00:00.123Z'),
      author: 'Стефан Иванов',
    });
    expect(c.get(k('2'))).toMatchObject({ parent_key: k('1'), depth: 1, author: 'Гост' });
    expect(c.get(k('3'))).toMatchObject({ parent_key: k('2'), root_key: k('1'), depth: 2, body: 'Над езерата.\n\nОколо 2 часа път.' });
    expect(c.get(k('4'))).toMatchObject({ status: 'rejected', deleted: false, author: 'trol_42' });
    expect(c.get(k('5'))).toMatchObject({ status: 'approved', deleted: true, body: '(deleted)' });
    expect(c.get(k('6'))).toMatchObject({ body: '«Чудесно» лято!', slug: 'more' });
    expect(c.get(k('7'))).toMatchObject({ parent_key: null, depth: 0 });
    const [edited] = await rows<{ edited_at: Date | null }>(pool, 'SELECT edited_at FROM comments WHERE import_key = $1', [k('3')]);
    expect(edited!.edited_at).toEqual(new Date('2021-05-10T10:03:00Z'));
    const users = await rows<{ display_name: string; claim_email: string | null }>(
      pool,
      'SELECT display_name, claim_email FROM users ORDER BY display_name',
    );
    expect(users.map((u) => u.display_name)).toEqual(['deleted', 'trol_42', 'Ана', 'Гост', 'Стефан Иванов']);
    expect(users.every((u) => u.claim_email === null)).toBe(true);
    const everything = await rows<{ t: string }>(
      pool,
      `SELECT concat_ws(' ', (SELECT string_agg(u::text, ' ') FROM users u), (SELECT string_agg(c::text, ' ') FROM comments c)) AS t`,
    );
    expect(everything[0]!.t).not.toContain('8a7e0f3c0b2d4e6f8a9b1c3d5e7f9a0b2c4d6e8f');
    expect(await recount(pool, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });
    const again = await importFile(pool, 'remark42', fixture('remark42-sample.jsonl'));
    expect(again.comments).toMatchObject({ imported: 0, skipped: 7 });
  });

  it('should refuse a file without the meta line, and a newer version, naming the line', async () => {
    await expect(importFile(pool, 'remark42', fixture('coral-sample.jsonl'))).rejects.toThrow(
      /not a Remark42 backup: the first line must be .* \(line 1, column 1\)/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'r42-'));
    try {
      writeFileSync(join(dir, 'v9.jsonl'), '{"version":9,"users":[],"posts":[]}\n');
      await expect(importFile(pool, 'remark42', join(dir, 'v9.jsonl'))).rejects.toThrow(/Remark42 backup version 9 is not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('import: batches, crashes and bad input', () => {
  it('should give the same result with a batch of one comment as with one batch for all', async () => {
    const a = await emptyDatabase();
    const b = await emptyDatabase();
    await existingArticle(a, 'import-existing-article');
    await existingArticle(b, 'import-existing-article');
    const one = await importFile(a, 'disqus', fixture('disqus-sample.xml'), { batchSize: 1 });
    const all = await importFile(b, 'disqus', fixture('disqus-sample.xml'), { batchSize: 1000 });
    expect(one.comments).toEqual(all.comments);
    const strip = (
      m: Map<string, { parent_key: string | null; root_key: string | null; depth: number; status: string; deleted: boolean }>,
    ) => [...m].map(([k, v]) => [k, v.parent_key, v.root_key, v.depth, v.status, v.deleted]).sort();
    expect(strip(await commentsByKey(a))).toEqual(strip(await commentsByKey(b)));
    expect(await recount(a, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });
    // Replies in the parent's batch and in later ones count alike.
    expect(await replyCountDrift(a)).toEqual([]);
    expect(await replyCountDrift(b)).toEqual([]);
  });

  it('should resume after a crash in the middle and end as one clean run would', async () => {
    const crashed = await emptyDatabase();
    const clean = await emptyDatabase();
    for (const pool of [crashed, clean]) await existingArticle(pool, 'import-existing-article');
    // The process dies after 5 records: batches of 2 written before it stay, the batch in progress is lost.
    async function* dying(records: AsyncIterable<SourceRecord>) {
      let n = 0;
      for await (const r of records) {
        if (++n > 7) throw new Error('killed');
        yield r;
      }
    }
    const first = new Importer(crashed, { format: 'disqus', batchSize: 2 });
    await expect(first.run(dying(readRecords('disqus', readFileChunks(fixture('disqus-sample.xml')))))).rejects.toThrow('killed');
    const partial = (await rows(crashed, 'SELECT id FROM comments')).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(8);
    expect(await recount(crashed, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });

    const resumed = await importFile(crashed, 'disqus', fixture('disqus-sample.xml'), { batchSize: 2 });
    expect(resumed.comments.imported + resumed.comments.skipped).toBe(8);
    await importFile(clean, 'disqus', fixture('disqus-sample.xml'));
    const shape = async (pool: pg.Pool) =>
      [...(await commentsByKey(pool))].map(([k, v]) => [k, v.parent_key, v.depth, v.status, v.deleted, v.body, v.slug]).sort();
    expect(await shape(crashed)).toEqual(await shape(clean));
    expect((await rows(crashed, 'SELECT id FROM users')).length).toBe((await rows(clean, 'SELECT id FROM users')).length);
    expect(await recount(crashed, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });
    const runs = await rows<{ status: string }>(crashed, 'SELECT status::text FROM imports ORDER BY started_at');
    expect(runs.map((r) => r.status)).toEqual(['failed', 'finished']);
  });

  it('should stop at malformed XML naming its line and column, with nothing of the batch in progress written', async () => {
    const pool = await emptyDatabase();
    const err = (await importFile(pool, 'disqus', fixture('disqus-malformed.xml')).catch((e: unknown) => e)) as Error & {
      report: ImportReport;
    };
    expect(err.message).toMatch(/^malformed XML: .+ \(line 5, column \d+\)$/);
    expect(err.report.status).toBe('failed');
    // The first post was read, but its batch was never written.
    expect(await rows(pool, 'SELECT id FROM comments')).toEqual([]);
    const [run] = await rows<{ status: string; error: string }>(pool, 'SELECT status::text, error FROM imports');
    expect(run).toEqual({ status: 'failed', error: err.message });
  });

  it('should refuse a file of another format and a file that is not UTF-8, saying so', async () => {
    const pool = await emptyDatabase();
    await expect(importFile(pool, 'disqus', fixture('wordpress-sample.xml'))).rejects.toThrow(
      /not a Disqus export: the root element is <rss>, expected <disqus> \(line \d+, column \d+\)/,
    );
    async function* cp1251() {
      yield Buffer.from('<?xml version="1.0"?><disqus>');
      yield Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет" in windows-1251
      yield Buffer.from('</disqus>');
    }
    await expect(new Importer(pool, { format: 'disqus' }).run(readRecords('disqus', readUtf8Chunks(cp1251())))).rejects.toThrow(
      /the file is not UTF-8: an invalid byte sequence within bytes 29-35/,
    );
    await expect(importFile(pool, 'native', fixture('disqus-sample.xml'))).rejects.toThrow(/not a JSON line: .* \(line 1, column 1\)/);
  });

  it('should fail a huge comment, a duplicate id and a post of an unknown thread, naming each place, and import the rest', async () => {
    const pool = await emptyDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'imp-'));
    try {
      const post = (id: string, thread: string, message: string) =>
        `<post dsq:id="${id}"><message><![CDATA[${message}]]></message><createdAt>2020-01-01T00:00:00Z</createdAt><author><name>Аноним</name><isAnonymous>true</isAnonymous></author><thread dsq:id="${thread}"/></post>`;
      const file = join(dir, 'bad.xml');
      writeFileSync(
        file,
        [
          '<?xml version="1.0" encoding="utf-8"?>',
          '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">',
          '<thread dsq:id="1"><link>https://x.example.bg/a</link><title>А</title></thread>',
          post('10', '1', 'добре'),
          post('11', '1', 'я'.repeat(5001)),
          post('10', '1', 'пак 10'),
          post('12', '99', 'без нишка'),
          '</disqus>',
        ].join('\n'),
      );
      const report = await importFile(pool, 'disqus', file);
      expect(report.comments).toMatchObject({ read: 4, imported: 1, failed: 3 });
      expect(report.problems).toEqual([
        { key: '11', place: 'line 5, column 18', outcome: 'failed', reason: 'body is 5001 characters; the limit is 5000' },
        {
          key: '10',
          place: 'line 6, column 18',
          outcome: 'failed',
          reason: 'duplicate id: another record with this id came earlier in the file',
        },
        { key: '12', place: 'line 7, column 18', outcome: 'failed', reason: expect.stringContaining('thread 99 is not in the file') },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should give namesakes distinct usernames without a query per namesake', async () => {
    const pool = await emptyDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'imp-'));
    try {
      const posts = Array.from(
        { length: 300 },
        (_, i) =>
          `<post dsq:id="${i}"><message>коментар ${i}</message><createdAt>2020-01-01T00:00:00Z</createdAt><author><name>Иван Петров</name><email>ivan${i}@example.bg</email><isAnonymous>true</isAnonymous></author><thread dsq:id="1"/></post>`,
      );
      const file = join(dir, 'ivans.xml');
      writeFileSync(
        file,
        `<?xml version="1.0"?><disqus xmlns:dsq="x"><thread dsq:id="1"><link>https://x.example.bg/ivan</link></thread>${posts.join('')}</disqus>`,
      );
      const report = await importFile(pool, 'disqus', file, { batchSize: 100 });
      expect(report.authors.created).toBe(300);
      const names = await rows<{ username: string }>(pool, 'SELECT username FROM users');
      expect(new Set(names.map((n) => n.username.toLowerCase())).size).toBe(300);
      expect(names.filter((n) => n.username === 'Иван_Петров')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('import with a map', () => {
  it('should put a mapped thread on the named article, and fail the comments of a thread mapped to a missing slug', async () => {
    const pool = await emptyDatabase();
    await existingArticle(pool, 'budjet-2019');
    const map = new Map([
      ['7001', 'budjet-2019'],
      ['https://vestnik.example.bg/sport/levski-pobedi', 'nyama-takava'],
    ]);
    const report = await new Importer(pool, { format: 'disqus', map }).run(
      readRecords('disqus', readFileChunks(fixture('disqus-sample.xml'))),
    );
    expect(report.comments).toMatchObject({ imported: 5, failed: 3 });
    expect(report.problems.filter((p) => p.outcome === 'failed').map((p) => p.reason)).toEqual(
      Array(3).fill('the map sends thread 7002 to "nyama-takava", and no article has that slug'),
    );
    const c = await commentsByKey(pool);
    expect(c.get('disqus:9001')).toMatchObject({ slug: 'budjet-2019' });
    expect(await rows(pool, 'SELECT slug FROM articles')).toEqual([{ slug: 'budjet-2019' }]);
  });
});

describe('export, native format', () => {
  it('should round-trip: export, import into an empty database, same counts and threads; again imports nothing', async () => {
    const source = await emptyDatabase();
    await existingArticle(source, 'import-existing-article');
    await importFile(source, 'disqus', fixture('disqus-sample.xml'));
    await importFile(source, 'wordpress', fixture('wordpress-sample.xml'));
    const dir = mkdtempSync(join(tmpdir(), 'exp-'));
    try {
      const file = join(dir, 'site.jsonl');
      let text = '';
      for await (const line of exportNative(source)) text += line;
      writeFileSync(file, text);
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      expect(lines[0]).toMatchObject({
        type: 'header',
        format: 'newsroom-comments',
        version: 1,
        counts: { articles: 4, authors: 9, comments: 13 },
      });

      const target = await emptyDatabase();
      const report = await importFile(target, 'native', file, { batchSize: 3 });
      expect(report.comments).toMatchObject({ read: 13, imported: 13, skipped: 0, failed: 0, orphans: 0 });
      const shape = async (pool: pg.Pool) =>
        [...(await commentsByKey(pool))]
          .map(([k, v]) => [
            k,
            v.parent_key,
            v.root_key,
            v.depth,
            v.status,
            v.deleted,
            v.body,
            v.slug,
            v.created_at.toISOString(),
            v.author,
          ])
          .sort();
      expect(await shape(target)).toEqual(await shape(source));
      const counters = (pool: pg.Pool) =>
        rows(
          pool,
          'SELECT slug, title, url, approved_comment_count FROM articles WHERE approved_comment_count > 0 OR import_key IS NOT NULL ORDER BY slug',
        );
      expect(await counters(target)).toEqual(await counters(source));
      expect(await recount(target, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });

      const again = await importFile(target, 'native', file);
      expect(again.comments).toMatchObject({ imported: 0, skipped: 13 });
      // Into the database it came from: the ids are kept, so nothing is added either.
      const home = await importFile(source, 'native', file);
      expect(home.comments).toMatchObject({ imported: 0, skipped: 13 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('export as Disqus and WordPress files', () => {
  let source: pg.Pool;
  beforeAll(async () => {
    source = await emptyDatabase();
    await existingArticle(source, 'import-existing-article');
    for (const [format, file] of [
      ['disqus', 'disqus-sample.xml'],
      ['wordpress', 'wordpress-sample.xml'],
      ['coral', 'coral-sample.jsonl'],
      ['remark42', 'remark42-sample.jsonl'],
    ] as const)
      await importFile(source, format, fixture(file));
  });

  /** What each format can say of a status (docs/import-export.md, "Export"). */
  const mapped: Record<'disqus' | 'wxr', (status: string, deleted: boolean) => [string, boolean]> = {
    disqus: (status, deleted) => (status === 'rejected' ? ['approved', true] : [status, deleted]),
    wxr: (status, deleted) =>
      status === 'rejected' ? ['rejected', true] : status === 'spam' ? ['spam', false] : deleted ? ['approved', true] : [status, false],
  };

  for (const [format, readAs] of [
    ['disqus', 'disqus'],
    ['wxr', 'wordpress'],
  ] as const) {
    it(`should round-trip through ${format}: export, import into an empty database, same counts, threads and texts`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'exp-'));
      try {
        const file = join(dir, `site.${format}.xml`);
        let text = '';
        for await (const piece of exportSite(source, format)) text += piece;
        writeFileSync(file, text);
        const target = await emptyDatabase();
        const report = await importFile(target, readAs, file, { batchSize: 4 });
        const total = (await rows(source, 'SELECT id FROM comments')).length;
        expect(report.comments).toMatchObject({ read: total, imported: total, failed: 0, orphans: 0 });

        // Source comments by id; target ones by the source id their import key carries.
        const shape = async (pool: pg.Pool, byKey: boolean) =>
          rows<{
            k: string;
            parent: string | null;
            depth: number;
            status: string;
            deleted: boolean;
            body: string;
            slug: string;
            t: Date;
            author: string;
          }>(
            pool,
            `SELECT ${byKey ? "split_part(c.import_key, ':', 2)" : 'c.id::text'} AS k,
                    ${byKey ? "split_part(p.import_key, ':', 2)" : 'p.id::text'} AS parent,
                    c.depth, c.status::text AS status, c.deleted_at IS NOT NULL AS deleted, c.body, a.slug,
                    date_trunc('second', c.created_at) AS t, u.display_name AS author
             FROM comments c JOIN articles a ON a.id = c.article_id JOIN users u ON u.id = c.author_id
             LEFT JOIN comments p ON p.id = c.parent_id ORDER BY k`,
          );
        const before = (await shape(source, false)).map((c) => {
          const [status, deleted] = mapped[format](c.status, c.deleted);
          return { ...c, status, deleted };
        });
        expect(await shape(target, true)).toEqual(before);
        const articles = (pool: pg.Pool) =>
          rows(
            pool,
            `SELECT slug, title, url, (SELECT count(*)::int FROM comments c WHERE c.article_id = a.id) AS comments
             FROM articles a WHERE EXISTS (SELECT 1 FROM comments c WHERE c.article_id = a.id) ORDER BY slug`,
          );
        expect(await articles(target)).toEqual(await articles(source));
        expect((await rows(target, 'SELECT id FROM users')).length).toBe(
          (await rows(source, 'SELECT DISTINCT author_id FROM comments')).length,
        );
        expect(await recount(target, { repair: false })).toEqual({ articles: [], users: [], reactions: [], repaired: 0 });
        const again = await importFile(target, readAs, file);
        expect(again.comments).toMatchObject({ imported: 0, skipped: total });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
