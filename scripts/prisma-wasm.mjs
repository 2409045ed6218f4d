#!/usr/bin/env node
// Prisma migrations without the native schema engine (it cannot be downloaded here): drives
// @prisma/schema-engine-wasm through @prisma/adapter-pg. See shared notes, toolchain.md section 4.
//   node scripts/prisma-wasm.mjs diff | create <name> | check | status | deploy   (DATABASE_URL from env)
// Workarounds: (1) wasm loaded by hand, engine timers unref'd; (2) PrismaPg gets a plain config object,
// so the shadow DB really is a separate database; (3) PG "char" (OID 18) columns reported as Character;
// (4) devDiagnostic runs before createMigration so the shadow DB factory gets used. devDiagnostic only
// does that when the "dev" DB has every migration applied, so `create` works in a throw-away database
// (deploy -> devDiagnostic -> createMigration -> DROP); DATABASE_URL's own database is never touched.
// Also: adapter-pg's executeScript splits scripts on ';', which breaks plpgsql bodies ($$ ... ; ... $$),
// so migration scripts are sent as one simple-protocol query instead (as Prisma's native engine does).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');
const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
const LOCKFILE = 'migration_lock.toml';
const FILTERS = { externalTables: [], externalEnums: [] };
const PG_CHAR_OID = 18; // PostgreSQL's internal single-byte "char" (pg_constraint.contype, ...)

// 1. Engine loading: the package targets bundlers (`import * as wasm from "./x.wasm"`). Once per process.
let runtimePromise;
function loadRuntime() {
  runtimePromise ??= (async () => {
    const runtime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const bgJs = fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const module = new WebAssembly.Module(await readFile(path.join(path.dirname(bgJs), 'schema_engine_bg.wasm')));
    const imports = { ...runtime };
    // The engine arms timers (advisory-lock timeout) and never clears them: unref so no ~10 s exit hang.
    for (const key of Object.keys(runtime).filter((k) => k.startsWith('__wbg_setTimeout_'))) {
      imports[key] = (...args) => {
        const timer = runtime[key](...args);
        timer?.unref?.();
        return timer;
      };
    }
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': imports });
    runtime.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return runtime;
  })();
  return runtimePromise;
}

// 3. + script fix: patched once on the adapter classes' shared prototype (this process only).
let prototypesPatched = false;
function patchAdapterPrototypes(adapter) {
  if (prototypesPatched) return;
  prototypesPatched = true;
  const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter)); // PgQueryable.prototype
  const originalQueryRaw = queryable.queryRaw;
  queryable.queryRaw = async function queryRaw(query) {
    const charColumns = [];
    const shim = Object.create(this);
    shim.performIO = async (q) => {
      const result = await this.performIO(q);
      const fields = result.fields.map((f, i) =>
        f.dataTypeID === PG_CHAR_OID ? (charColumns.push(i), { ...f, dataTypeID: 25 /* text */ }) : f,
      );
      return { ...result, fields };
    };
    const out = await originalQueryRaw.call(shim, query);
    for (const i of charColumns) out.columnTypes[i] = ColumnTypeEnum.Character;
    return out;
  };
  Object.getPrototypeOf(adapter).executeScript = async function executeScript(script) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
}

// 2. Plain config object: `connectionString` would override the shadow DB's `database`, and a Pool's
// password is non-enumerable and lost in adapter-pg's `{ ...config, database }` spread.
// Only host, port, database, user, password and sslmode are taken from the URL (no ?schema=).
function pgConfigFromUrl(url) {
  const u = new URL(url);
  const sslmode = u.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: Number(u.port) || 5432,
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    user: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password) || undefined,
    ssl: sslmode && sslmode !== 'disable' ? { rejectUnauthorized: sslmode.startsWith('verify') } : undefined,
    max: 2,
    idleTimeoutMillis: 500,
  };
}

// Wraps PrismaPg so every pool it opens is closed (and every shadow DB dropped) when `run` ends,
// even if the engine does not dispose it. Shadow DBs: close the pool first, then DROP ... WITH (FORCE).
function createFactory(config) {
  const factory = new PrismaPg(config);
  const open = [];
  const track = (adapter, release) => {
    patchAdapterPrototypes(adapter);
    let done;
    adapter.dispose = () => (done ??= release());
    open.push(adapter);
    return adapter;
  };
  factory.connect = async () => {
    const adapter = await PrismaPg.prototype.connect.call(factory);
    return track(adapter, () => adapter.client.end());
  };
  factory.connectToShadowDb = async () => {
    const main = await factory.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await PrismaPg.prototype.connect.call(new PrismaPg({ ...config, database }));
    return track(shadow, async () => {
      await shadow.client.end();
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    });
  };
  const close = async () => {
    for (const adapter of open.reverse()) await adapter.dispose().catch((e) => console.error(`prisma-wasm: cleanup failed: ${e.message}`));
  };
  return { bound: bindMigrationAwareSqlAdapterFactory(factory), close };
}

async function readMigrationsList() {
  const lockContent = await readFile(path.join(MIGRATIONS_DIR, LOCKFILE), 'utf8').catch(() => null);
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const content = await readFile(path.join(MIGRATIONS_DIR, entry.name, 'migration.sql'), 'utf8').then(
      (value) => ({ tag: 'ok', value }),
      (e) => ({ tag: 'error', value: e.message }),
    );
    migrationDirectories.push({ path: entry.name, migrationFile: { path: 'migration.sql', content } });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir: MIGRATIONS_DIR, lockfile: { path: LOCKFILE, content: lockContent }, shadowDbInitScript: '', migrationDirectories };
}

/**
 * Runs one command. Resolves to: diff {sql}; create {name, path, sql}; check {inSync, sql};
 * status DiagnoseMigrationHistoryOutput; deploy {appliedMigrationNames}. Prints nothing.
 */
export async function run(command, name, databaseUrl = process.env.DATABASE_URL) {
  if (!['diff', 'create', 'check', 'status', 'deploy'].includes(command)) throw new Error(`Unknown command: ${command}`);
  if (command === 'create' && !name) throw new Error('create needs a migration name');
  // `diff` never connects; everything else needs a server (create/check also create a shadow DB there).
  const url = databaseUrl || (command === 'diff' ? 'postgresql://postgres@127.0.0.1:5432/postgres' : undefined);
  if (!url) throw new Error(`${command}: set DATABASE_URL (or pass a database URL)`);
  const runtime = await loadRuntime();
  const schemaFile = { path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, 'utf8') };
  const schema = { files: [schemaFile] };
  const config = pgConfigFromUrl(url);
  // `create` only: a throw-away "dev" database on the same server.
  const scratch = command === 'create' ? `prisma_migrate_create_${globalThis.crypto.randomUUID()}` : undefined;
  const { bound, close } = createFactory(scratch ? { ...config, database: scratch } : config);
  let engine;
  try {
    if (scratch) await adminQuery(config, `CREATE DATABASE "${scratch}"`);
    engine = await runtime.SchemaEngine.new(
      { datamodels: [[schemaFile.path, schemaFile.content]] },
      (log) => {
        if (process.env.PRISMA_WASM_DEBUG) console.error('[schema-engine]', log);
      },
      bound,
    );
    const migrationsList = await readMigrationsList();
    switch (command) {
      case 'diff': {
        const res = await engine.diff({
          from: { tag: 'empty' },
          to: { tag: 'schemaDatamodel', ...schema },
          script: true,
          exitCode: null,
          filters: FILTERS,
        });
        return { sql: res.stdout ?? '' };
      }
      case 'check': {
        const res = await engine.diff({
          from: { tag: 'migrations', ...migrationsList },
          to: { tag: 'schemaDatamodel', ...schema },
          script: true,
          exitCode: true,
          filters: FILTERS,
        });
        const inSync = res.exitCode === 0;
        return { inSync, sql: inSync ? '' : (res.stdout ?? '') };
      }
      case 'create': {
        await engine.applyMigrations({ migrationsList, filters: FILTERS }); // into the scratch DB
        await engine.devDiagnostic({ migrationsList, filters: FILTERS }); // fills the shadow-DB state createMigration needs
        const out = await engine.createMigration({ draft: true, migrationName: name, migrationsList, schema, filters: FILTERS });
        const dir = path.join(MIGRATIONS_DIR, out.generatedMigrationName);
        const last = migrationsList.migrationDirectories.at(-1)?.path;
        if (last && last.localeCompare(out.generatedMigrationName) >= 0)
          throw new Error(`${out.generatedMigrationName} would sort before the existing ${last}; migrations apply in name order`);
        if (existsSync(dir)) throw new Error(`The migration directory already exists at ${dir}`);
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, `migration.${out.extension}`), out.migrationScript ?? '', 'utf8');
        await writeFile(
          path.join(MIGRATIONS_DIR, LOCKFILE),
          `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${out.connectorType}"\n`,
          'utf8',
        );
        return { name: out.generatedMigrationName, path: dir, sql: out.migrationScript ?? '' };
      }
      case 'status':
        return await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: FILTERS });
      case 'deploy':
        return await engine.applyMigrations({ migrationsList, filters: FILTERS });
    }
  } finally {
    engine?.free();
    await close();
    if (scratch) await adminQuery(config, `DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
  }
}

async function adminQuery(config, sql) {
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function cli([command, name]) {
  const result = await run(command, name);
  switch (command) {
    case 'diff':
      process.stdout.write(result.sql);
      break;
    case 'create':
      console.log(`Created ${path.relative(process.cwd(), result.path)}/migration.sql`);
      break;
    case 'check':
      if (result.inSync) console.log('in sync: prisma/migrations covers prisma/schema.prisma');
      else {
        console.error('schema.prisma has changes that no migration covers; missing SQL:');
        process.stdout.write(result.sql);
        process.exitCode = 1;
      }
      break;
    case 'status':
      console.log(JSON.stringify(result, null, 2));
      break;
    case 'deploy':
      console.log(result.appliedMigrationNames.length ? `applied: ${result.appliedMigrationNames.join(', ')}` : 'no pending migrations');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((error) => {
    console.error(error?.message ? `${error.name ?? 'Error'}: ${error.message}` : error);
    console.error('usage: node scripts/prisma-wasm.mjs <diff|create <name>|check|status|deploy>  (DATABASE_URL=postgresql://...)');
    process.exitCode = 2;
  });
}
