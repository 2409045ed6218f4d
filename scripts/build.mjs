// Compiles src/ to dist/ with SWC, only the files whose content changed since the last build, and the pages' code
// in web/ to dist/public/ (scripts/build-web.mjs) when it changed.
// Type checking is not done here (SWC strips types): `npm test` and `npm run typecheck` run tsc.
//
//   node scripts/build.mjs          incremental build (what `npm start` does before serving)
//   node scripts/build.mjs --clean  empty dist/ first (what the Docker image does)
//
// Also usable as a module: `await build()` returns { compiled, removed, generated, ms }.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './build-web.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(root, 'src');
const outDir = join(root, 'dist');
const manifestPath = join(outDir, '.build-manifest.json');
const schemaPath = join(root, 'prisma', 'schema.prisma');
const generatedClient = join(srcDir, 'generated', 'prisma', 'client.ts');

// Mirrors tsconfig.json: ES2023 target, Node ESM output (imports keep their .js extensions), legacy decorators
// with design-type metadata (Nest's DI and class-validator read it), define semantics for class fields, and class
// names kept (Nest names providers and loggers after them).
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6', strict: true, resolveFully: false },
  sourceMaps: true,
  minify: false,
};
// Bump when the output layout changes; also covers SWC upgrades through its version.
const BUILD_FORMAT = 1;

function sourceFiles(dir = srcDir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

const sha1 = (data) => createHash('sha1').update(data).digest('hex');
// Write-then-rename: a process starting from dist/ (or a second build running at the same time, as parallel test
// files may) never sees a half-written file.
const writeAtomic = (path, data) => {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
};
const outputOf = (file) => join(outDir, relative(srcDir, file)).replace(/\.ts$/, '.js');

function readManifest(key) {
  try {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    return m.key === key ? m.files : {};
  } catch {
    return {};
  }
}

/** Regenerates the Prisma client when schema.prisma is newer than it (e.g. after a pull that changed the schema). */
function generatePrismaClientIfStale() {
  if (existsSync(generatedClient) && statSync(generatedClient).mtimeMs >= statSync(schemaPath).mtimeMs) return false;
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error('prisma generate failed (see above)');
  return true;
}

/**
 * Whether dist/ holds the current build of every source file under `paths` (relative to the repository, a folder
 * ending in `/`), so code from it may run before `build()` (scripts/start.mjs validates the configuration first).
 */
export function isBuilt(paths) {
  let built;
  try {
    built = JSON.parse(readFileSync(manifestPath, 'utf8')).files;
  } catch {
    return false;
  }
  for (const file of sourceFiles()) {
    const rel = relative(root, file).split(sep).join('/');
    if (!paths.some((p) => rel === p || (p.endsWith('/') && rel.startsWith(p)))) continue;
    if (built[rel] !== sha1(readFileSync(file)) || !existsSync(outputOf(file))) return false;
  }
  return true;
}

export async function build({ clean = false } = {}) {
  const started = performance.now();
  if (clean) rmSync(outDir, { recursive: true, force: true });
  const generated = generatePrismaClientIfStale();

  const swcVersion = JSON.parse(readFileSync(join(root, 'node_modules', '@swc', 'core', 'package.json'), 'utf8')).version;
  const key = sha1(JSON.stringify({ BUILD_FORMAT, swcVersion, swcOptions }));
  const previous = readManifest(key);
  const files = {};
  const changed = [];
  for (const file of sourceFiles()) {
    const rel = relative(root, file).split(sep).join('/');
    const hash = sha1(readFileSync(file));
    files[rel] = hash;
    if (previous[rel] !== hash || !existsSync(outputOf(file))) changed.push(file);
  }
  // Outputs of deleted sources must go, or a stale module could still be imported.
  const removed = Object.keys(previous).filter((rel) => !(rel in files));
  for (const rel of removed) {
    const out = outputOf(join(root, rel));
    rmSync(out, { force: true });
    rmSync(`${out}.map`, { force: true });
  }

  if (changed.length) {
    const swc = await import('@swc/core');
    await Promise.all(
      changed.map(async (file) => {
        const out = outputOf(file);
        const { code, map } = await swc.transformFile(file, {
          ...swcOptions,
          filename: file,
          sourceFileName: relative(dirname(out), file).split(sep).join('/'),
          swcrc: false,
          configFile: false,
        });
        mkdirSync(dirname(out), { recursive: true });
        if (map) writeAtomic(`${out}.map`, map);
        writeAtomic(out, `${code}\n//# sourceMappingURL=${out.slice(dirname(out).length + 1)}.map\n`);
      }),
    );
  }
  if (changed.length || removed.length || !existsSync(manifestPath)) {
    mkdirSync(outDir, { recursive: true });
    writeAtomic(manifestPath, JSON.stringify({ key, files }));
  }
  // The pages' code (web/ → dist/public/), rebuilt only when it changed.
  const web = await buildWeb({ force: clean });
  return { compiled: changed.length, removed: removed.length, generated, web: web.built, ms: Math.round(performance.now() - started) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const r = await build({ clean: process.argv.includes('--clean') });
    console.log(
      `build: ${r.compiled} file(s) compiled, ${r.removed} removed${r.generated ? ', Prisma client generated' : ''}${r.web ? ', pages built' : ''} in ${r.ms} ms`,
    );
  } catch (err) {
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  }
}
