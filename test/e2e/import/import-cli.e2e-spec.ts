import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { buildDist, repoRoot, serviceEnv } from '../../helpers/start-process.js';

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
    const usage = run('import.cli.js', ['--from', 'coral', fixture('disqus-sample.xml')]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown format "coral"');
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
});
