import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { buildDist, repoRoot, serviceEnv, startProcess } from '../../helpers/start-process.js';

const fixture = (name: string) => join(import.meta.dirname, '../../fixtures/import', name);

let db: ScratchDatabase;
let dir: string;

beforeAll(async () => {
  buildDist();
  db = await scratchDatabase('impcli', { migrated: true });
  dir = mkdtempSync(join(tmpdir(), 'impcli-'));
}, 120_000);
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const run = (script: string, args: string[]) =>
  spawnSync(process.execPath, [`dist/import/${script}`, ...args], {
    cwd: repoRoot,
    env: serviceEnv({ DATABASE_URL: db.url }),
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run import / npm run export', () => {
  it('should import a file, print the report, and import nothing the second time', () => {
    const first = run('import.cli.js', ['--from', 'wordpress', fixture('wordpress-sample.xml')]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('import finished: 5 imported, 1 skipped, 0 failed');
    expect(first.stdout).toContain('zimata-idva (created): 4 / 0');
    // Not a terminal: no progress bar.
    expect(first.stderr).toBe('');
    const second = run('import.cli.js', ['--from', 'wordpress', fixture('wordpress-sample.xml'), '--json']);
    expect(second.status, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'finished', comments: { imported: 0, skipped: 6 } });
  });

  it('should stop with exit 1 naming the place of malformed XML, and 2 on a usage error', () => {
    const bad = run('import.cli.js', ['--from', 'disqus', fixture('disqus-malformed.xml')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/import stopped: malformed XML: .+ \(line 5, column \d+\)/);
    const usage = run('import.cli.js', ['--from', 'livefyre', fixture('disqus-sample.xml')]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown format "livefyre"');
  });

  it('should export the native format to a file', () => {
    const out = join(dir, 'site.jsonl');
    const exported = run('export.cli.js', ['--format', 'native', '--out', out]);
    expect(exported.status, exported.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]).toMatchObject({ type: 'header', version: 1, counts: { comments: 5 } });
    expect(lines.filter((l) => l.type === 'comment')).toHaveLength(5);
  });

  it('should export Disqus and WordPress files beside native, and refuse an unknown format', () => {
    for (const format of ['disqus', 'wxr']) {
      const out = join(dir, `site.${format}.xml`);
      const exported = run('export.cli.js', ['--format', format, '--out', out]);
      expect(exported.status, exported.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text.startsWith('<?xml')).toBe(true);
      expect(text.match(format === 'disqus' ? /<post /g : /<wp:comment>/g)?.length ?? 0).toBeGreaterThan(0);
      // Into the database it came from: the file carries this service's ids, nothing is added.
      const again = run('import.cli.js', ['--from', format === 'wxr' ? 'wordpress' : 'disqus', out, '--json']);
      expect(again.status, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ comments: { imported: 0, skipped: 5, failed: 0 } });
    }
    const bad = run('export.cli.js', ['--format', 'csv']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--format csv: use native, disqus, wxr');
  });

  it('should resume after a SIGKILL in the middle of a run and end as one clean run would', async () => {
    const posts = Array.from({ length: 6000 }, (_, i) => {
      const parent = i % 3 === 2 ? `<parent dsq:id="${i - 1}"/>` : '';
      return `<post dsq:id="${i}"><message><![CDATA[<p>коментар ${i}</p>]]></message><createdAt>2020-01-01T00:00:00Z</createdAt><isSpam>${i % 50 === 0}</isSpam><author><name>Читател ${i % 400}</name><isAnonymous>true</isAnonymous></author><thread dsq:id="${i % 20}"/>${parent}</post>`;
    });
    const threads = Array.from(
      { length: 20 },
      (_, t) => `<thread dsq:id="${t}"><link>https://kill.example.bg/n/statia-${t}</link><title>Статия ${t}</title></thread>`,
    );
    const file = join(dir, 'big.xml');
    writeFileSync(file, `<?xml version="1.0"?>\n<disqus xmlns:dsq="x">\n${threads.join('\n')}\n${posts.join('\n')}\n</disqus>\n`);
    const killed = await scratchDatabase('impkill', { migrated: true });
    const clean = await scratchDatabase('impclean', { migrated: true });
    const count = async (url: string, sql: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query<{ n: string }>(sql)).rows[0]!.n;
      } finally {
        await c.end();
      }
    };
    try {
      const p = startProcess(
        process.execPath,
        ['dist/import/import.cli.js', '--from', 'disqus', file, '--batch-size', '100'],
        serviceEnv({ DATABASE_URL: killed.url }),
      );
      // Killed once some batches committed, long before the end.
      for (let i = 0; i < 600 && Number(await count(killed.url, 'SELECT count(*) AS n FROM comments')) < 300; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      process.kill(-p.child.pid!, 'SIGKILL');
      expect(await p.exited).toBe(137);
      const partial = Number(await count(killed.url, 'SELECT count(*) AS n FROM comments'));
      expect(partial).toBeGreaterThanOrEqual(300);
      expect(partial).toBeLessThan(6000);
      expect(partial % 100).toBe(0);

      const resumed = spawnSync(process.execPath, ['dist/import/import.cli.js', '--from', 'disqus', file, '--json'], {
        cwd: repoRoot,
        env: serviceEnv({ DATABASE_URL: killed.url }),
        encoding: 'utf8',
      });
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ comments: { imported: 6000 - partial, skipped: partial, failed: 0 } });
      const once = spawnSync(process.execPath, ['dist/import/import.cli.js', '--from', 'disqus', file], {
        cwd: repoRoot,
        env: serviceEnv({ DATABASE_URL: clean.url }),
        encoding: 'utf8',
      });
      expect(once.status, once.stderr).toBe(0);
      const shape = `SELECT string_agg(concat_ws('|', c.import_key, p.import_key, c.depth, c.status, a.slug, a.approved_comment_count, u.display_name, u.approved_comment_count), ',' ORDER BY c.import_key) AS n
        FROM comments c JOIN articles a ON a.id = c.article_id JOIN users u ON u.id = c.author_id LEFT JOIN comments p ON p.id = c.parent_id`;
      expect(await count(killed.url, shape)).toBe(await count(clean.url, shape));
      expect(await count(killed.url, 'SELECT count(*) AS n FROM users')).toBe(await count(clean.url, 'SELECT count(*) AS n FROM users'));
    } finally {
      await killed.drop();
      await clean.drop();
    }
  }, 120_000);
});
