import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UPLOAD_CHUNK_BYTES } from '../../../src/import/import-queue.js';
import { Importer } from '../../../src/import/importer.js';
import { readRecords } from '../../../src/import/readers.js';
import { readUtf8Chunks } from '../../../src/import/source-file.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { bearer, createAdmin, createModerator, type TestUser } from '../../factories/index.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/import', name));

let db: ScratchDatabase;
let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  // Its own database: uploads create articles and accounts, and every app's worker would take queued runs.
  db = await scratchDatabase('impup', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url });
  admin = await createAdmin(t);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

const rows = async <R>(sql: string, values: unknown[] = []) => (await t.prisma.pool.query(sql, values)).rows as R[];

async function finished(id: string) {
  await expect
    .poll(async () => (await t.http.get(`/api/admin/imports/${id}`).set('Authorization', bearer(admin))).body.import.status)
    .toMatch(/^(finished|failed)$/);
  return (await t.http.get(`/api/admin/imports/${id}`).set('Authorization', bearer(admin)).expect(200)).body.import;
}

describe('POST /api/admin/imports', () => {
  it('should take a Disqus export as XML, answer 202 with Location, import it in the background and audit it', async () => {
    const file = fixture('disqus-sample.xml');
    const res = await t.http
      .post('/api/admin/imports?name=vestnik-disqus.xml')
      .set('Authorization', bearer(admin))
      .set('Content-Type', 'application/xml')
      .send(file)
      .expect(202);
    const id = res.body.import.id as string;
    expect(res.headers.location).toBe(`/api/admin/imports/${id}`);
    expect(res.body.import).toMatchObject({
      format: 'disqus',
      sourceName: 'vestnik-disqus.xml',
      startedById: admin.id,
      uploadBytes: file.length,
    });
    expect(['queued', 'running', 'finished']).toContain(res.body.import.status);
    const run = await finished(id);
    expect(run).toMatchObject({ status: 'finished', commentsImported: 8, commentsFailed: 0, report: { comments: { orphans: 1 } } });
    const audit = await rows<{ action: string; moderator_id: string }>(
      `SELECT action, moderator_id FROM moderation_actions WHERE details->>'importId' = $1 ORDER BY created_at, action`,
      [id],
    );
    expect(audit).toEqual([
      { action: 'import_upload', moderator_id: admin.id },
      { action: 'import', moderator_id: admin.id },
    ]);
    // The bytes are not kept once the run ended.
    expect(await rows('SELECT seq FROM import_upload_chunks WHERE import_id = $1', [id])).toEqual([]);
  });

  it('should tell Coral and Remark42 JSON lines apart by their first line, and take any format as octet-stream with ?from=', async () => {
    const coral = await t.http
      .post('/api/admin/imports')
      .set('Authorization', bearer(admin))
      .set('Content-Type', 'application/x-ndjson')
      .send(fixture('coral-sample.jsonl'))
      .expect(202);
    expect(coral.body.import.format).toBe('coral');
    const remark = await t.http
      .post('/api/admin/imports?from=remark42')
      .set('Authorization', bearer(admin))
      .set('Content-Type', 'application/octet-stream')
      .send(fixture('remark42-sample.jsonl'))
      .expect(202);
    expect(remark.body.import.format).toBe('remark42');
    expect(await finished(coral.body.import.id)).toMatchObject({ status: 'finished', commentsImported: 9 });
    expect(await finished(remark.body.import.id)).toMatchObject({ status: 'finished', commentsImported: 7 });
  });

  it('should report a malformed file as a failed run with the place, and refuse bodies it cannot take', async () => {
    const bad = await t.http
      .post('/api/admin/imports')
      .set('Authorization', bearer(admin))
      .set('Content-Type', 'text/xml')
      .send(fixture('disqus-malformed.xml'))
      .expect(202);
    expect(await finished(bad.body.import.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/malformed XML: .+ \(line 5, column \d+\)/),
    });

    const send = (type: string | undefined, body: string | Buffer | undefined, query = '') => {
      const req = t.http.post(`/api/admin/imports${query}`).set('Authorization', bearer(admin));
      if (type) void req.set('Content-Type', type);
      return body === undefined ? req : req.send(body);
    };
    expect((await send('application/json', '{"x":1}').expect(415)).body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await send('text/plain', 'hello').expect(415)).body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await send(undefined, undefined).expect(400)).body.error.code).toBe('IMPORT_FILE_EMPTY');
    expect((await send('application/octet-stream', Buffer.from('hello')).expect(400)).body.error.code).toBe('IMPORT_FORMAT_UNKNOWN');
    expect((await send('application/xml', '<x/>', '?from=livefyre').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    // The raised limit is this route's only: another route still refuses these media types, and large bodies.
    const other = await t.http
      .post('/api/admin/word-filters')
      .set('Authorization', bearer(admin))
      .set('Content-Type', 'application/xml')
      .send('<x/>')
      .expect(415);
    expect(other.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = Buffer.alloc(50 * 1024 * 1024 + 1, 0x20);
    expect((await send('application/octet-stream', big, '?from=disqus').expect(413)).body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const moderator = await createModerator(t);
    await t.http
      .post('/api/admin/imports')
      .set('Authorization', bearer(moderator))
      .set('Content-Type', 'application/xml')
      .send('<disqus/>')
      .expect(403);
  });

  it('should resume a run whose instance died, once its lease ran out, and end as one clean run', async () => {
    const threads = Array.from(
      { length: 5 },
      (_, i) => `<thread dsq:id="${i}"><link>https://up.example.bg/n/up-${i}</link><title>Т ${i}</title></thread>`,
    );
    const posts = Array.from(
      { length: 3000 },
      (_, i) =>
        `<post dsq:id="${i}"><message>коментар ${i} ${'ж'.repeat(300)}</message><createdAt>2020-01-01T00:00:00Z</createdAt><author><name>Ч ${i % 50}</name><isAnonymous>true</isAnonymous></author><thread dsq:id="${i % 5}"/>${i % 4 === 3 ? `<parent dsq:id="${i - 5}"/>` : ''}</post>`,
    );
    const file = Buffer.from(`<?xml version="1.0"?>\n<disqus xmlns:dsq="x">\n${threads.join('\n')}\n${posts.join('\n')}\n</disqus>\n`);
    expect(file.length).toBeGreaterThan(UPLOAD_CHUNK_BYTES);
    // A run that a dead instance held: running, its lease still on while "it" imports the first 1,000 comments.
    const [{ id }] = await rows<{ id: string }>(
      `INSERT INTO imports (id, format, status, started_by_id, upload_bytes, lease_until, attempts)
       VALUES (gen_random_uuid(), 'disqus', 'running', $1, $2, now() + interval '1 hour', 1) RETURNING id`,
      [admin.id, file.length],
    );
    for (let seq = 0; seq * UPLOAD_CHUNK_BYTES < file.length; seq++) {
      await rows('INSERT INTO import_upload_chunks (import_id, seq, data) VALUES ($1, $2, $3)', [
        id,
        seq,
        file.subarray(seq * UPLOAD_CHUNK_BYTES, (seq + 1) * UPLOAD_CHUNK_BYTES),
      ]);
    }
    async function* dying() {
      let n = 0;
      for await (const r of readRecords(
        'disqus',
        readUtf8Chunks(
          (async function* () {
            yield file;
          })(),
        ),
      )) {
        if (++n > 1010) throw new Error('killed');
        yield r;
      }
    }
    await expect(new Importer(t.prisma.pool, { format: 'disqus', importId: id, batchSize: 500 }).run(dying())).rejects.toThrow('killed');
    // It "died" before marking the run; its lease runs out.
    await rows(`UPDATE imports SET status = 'running', lease_until = now() - interval '1 second', finished_at = NULL WHERE id = $1`, [id]);
    const partial = (
      await rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM comments WHERE import_key LIKE 'disqus:%' AND article_id IN (SELECT id FROM articles WHERE url LIKE 'https://up.example.bg/%')`,
      )
    )[0]!.n;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(3000);
    const run = await finished(id);
    expect(run).toMatchObject({ status: 'finished', commentsImported: 3000 - partial, commentsSkipped: partial, commentsFailed: 0 });
    const total = await rows<{ n: number; replies: number }>(
      `SELECT count(*)::int AS n, count(parent_id)::int AS replies FROM comments WHERE article_id IN (SELECT id FROM articles WHERE url LIKE 'https://up.example.bg/%')`,
    );
    // Every fourth post answers the one five before it (the first, post 3, has no such parent: an orphan).
    expect(total).toEqual([{ n: 3000, replies: 749 }]);
    expect((await rows<{ attempts: number }>('SELECT attempts FROM imports WHERE id = $1', [id]))[0]!.attempts).toBe(2);
  }, 60_000);
});

describe('GET /api/admin/export', () => {
  it('should stream the site in each format with its media type, audit the download, and import back to nothing new', async () => {
    const native = await t.http.get('/api/admin/export').set('Authorization', bearer(admin)).buffer(true).expect(200);
    expect(native.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(native.headers['content-disposition']).toBe('attachment; filename="comments-export.jsonl"');
    const lines = native.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; counts?: { comments: number } });
    const [{ n }] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM comments');
    expect(lines[0]).toMatchObject({ type: 'header', counts: { comments: n } });
    expect(lines.filter((l) => l.type === 'comment')).toHaveLength(n);

    for (const format of ['disqus', 'wxr'] as const) {
      const res = await t.http
        .get(`/api/admin/export?format=${format}`)
        .set('Authorization', bearer(admin))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      const body = res.body as Buffer;
      expect(body.toString('utf8', 0, 5)).toBe('<?xml');
      // Its own export imports back as nothing new: the files carry this service's ids.
      const up = await t.http
        .post(`/api/admin/imports?from=${format === 'wxr' ? 'wordpress' : 'disqus'}`)
        .set('Authorization', bearer(admin))
        .set('Content-Type', 'application/xml')
        .send(body)
        .expect(202);
      expect(await finished(up.body.import.id)).toMatchObject({
        status: 'finished',
        commentsFailed: 0,
        commentsImported: 0,
        commentsSkipped: n,
      });
    }
    const audit = await rows<{ details: { format: string } }>(
      `SELECT details FROM moderation_actions WHERE action = 'export_site' ORDER BY created_at`,
    );
    expect(audit.map((a) => a.details.format)).toEqual(['native', 'disqus', 'wxr']);
    expect((await t.http.get('/api/admin/export?format=csv').set('Authorization', bearer(admin)).expect(400)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    const moderator = await createModerator(t);
    await t.http.get('/api/admin/export').set('Authorization', bearer(moderator)).expect(403);
  }, 60_000);
});
