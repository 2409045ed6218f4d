import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The documentation stays navigable and true to the tree: the README stays short (everything else goes to docs/),
 * every relative link and #anchor in the README, CONTRIBUTING.md and docs/ leads somewhere, and every repository
 * path they name in backticks exists. The tables that render code (error codes, settings) are checked by the tests
 * of that code: test/e2e/contract/contract.e2e-spec.ts and src/config/env.spec.ts.
 */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const README_MAX_LINES = 200;
/** Backticked paths under these folders must exist (placeholders with <…> or globs are skipped). */
const CHECKED_PATH = /^(?:src|test|scripts|prisma|bench|docker|openapi|docs)\/[\w./-]*$/;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

const files = [join(repoRoot, 'README.md'), join(repoRoot, 'CONTRIBUTING.md'), ...markdownFiles(join(repoRoot, 'docs'))];
const name = (file: string) => relative(repoRoot, file);

/** The text outside fenced code blocks. */
const prose = (markdown: string) => markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/** The anchors GitHub gives the headings of a Markdown file (lower case, punctuation dropped, spaces to dashes). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

describe('documentation', () => {
  it(`should keep the README at ${README_MAX_LINES} lines or fewer`, () => {
    const lines = readFileSync(join(repoRoot, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('should state the number of files the first npm start compiles (scripts/build.mjs: src/**/*.ts but specs and .d.ts)', () => {
    const compiled = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce(
        (n, e) => n + (e.isDirectory() ? compiled(join(dir, e.name)) : e.name.endsWith('.ts') && !/\.(?:d|spec)\.ts$/.test(e.name) ? 1 : 0),
        0,
      );
    const claims = [
      ...files
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n')
        .matchAll(/`build: (\d+) file\(s\) compiled`/g),
    ];
    expect(claims.length).toBeGreaterThan(0);
    expect(claims.map((m) => Number(m[1]))).toEqual(claims.map(() => compiled(join(repoRoot, 'src'))));
  });

  it('should resolve every relative link and anchor in the README, CONTRIBUTING.md and docs/', () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = prose(readFileSync(file, 'utf8')).replace(/`[^`\n]*`/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
        if (!existsSync(resolved)) {
          broken.push(`${name(file)}: ${target} (no such file)`);
        } else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${name(file)}: ${target} (no such heading in ${name(resolved)})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('should name only repository paths that exist', () => {
    const missing: string[] = [];
    for (const file of files) {
      for (const [, token] of prose(readFileSync(file, 'utf8')).matchAll(/`([^`\n]+)`/g)) {
        if (CHECKED_PATH.test(token) && !existsSync(join(repoRoot, token))) missing.push(`${name(file)}: ${token}`);
      }
    }
    expect(missing).toEqual([]);
  });
  it("should list in docs/architecture.md exactly the imports between src/'s modules that exist", () => {
    const src = join(repoRoot, 'src');
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? sources(join(dir, e.name))
          : e.name.endsWith('.ts') && !/\.(?:d|spec)\.ts$/.test(e.name)
            ? [join(dir, e.name)]
            : [],
      );
    const moduleOf = (file: string) => {
      const parts = relative(src, file).split('/');
      return parts.length === 1 ? 'app' : parts[0]!;
    };
    const actual = new Set<string>();
    for (const file of sources(src)) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), spec!);
        if (relative(src, target).startsWith('..')) continue;
        const [from, to] = [moduleOf(file), moduleOf(target)];
        if (from !== to) actual.add(`${from} → ${to}`);
      }
    }
    const doc = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8');
    const block = /```text\n(app [\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const documented = new Set(
      block
        .trim()
        .split('\n')
        .flatMap((line) => {
          const [from, targets] = line.split('→').map((p) => p.trim());
          return (targets ?? '').split(', ').map((to) => `${from} → ${to}`);
        }),
    );
    expect([...actual].filter((a) => !documented.has(a)).sort(), 'imports the document does not show').toEqual([]);
    expect([...documented].filter((d) => !actual.has(d)).sort(), 'arrows no import makes').toEqual([]);
  });
});
