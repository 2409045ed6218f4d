import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SEED_SLUG } from '../../helpers/app.js';
import { freePort } from '../../helpers/net.js';
import {
  alive,
  buildDist,
  descendants,
  portIsFree,
  repoRoot,
  runReadmeWalkthrough,
  runSmoke,
  serviceEnv,
  SMOKE_ADMIN,
  startProcess,
  type StartedProcess,
} from '../../helpers/start-process.js';

// The real start command, spawned as a person runs it (`npm start` in its own process group, like a terminal job),
// signalled through the top process. Every process it started must be gone afterwards and both ports free.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One line with FATAL, naming the variable; no stack trace; nothing else failing. */
function expectOneLineFailure(output: string, variable: RegExp): void {
  const fatal = output.split('\n').filter((l) => / FATAL /.test(l));
  expect(fatal, output).toHaveLength(1);
  expect(fatal[0]).toMatch(variable);
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toMatch(/ ERROR |UnhandledPromiseRejection/);
}

async function holdPort(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  return server;
}

/** Starts a request that waits on a table lock, so it is in flight when the stop signal arrives. */
async function requestHeldByLock(pgPort: number, port: number) {
  const locker = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${pgPort}/newsroom` });
  locker.on('error', () => {});
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
  const response = fetch(`http://127.0.0.1:${port}/api/articles/${SEED_SLUG}/comments/count`);
  await sleep(300);
  return {
    response,
    release: async () => {
      await locker.query('COMMIT');
      await locker.end();
    },
  };
}

describe('npm start, as a person runs it', () => {
  const work = mkdtempSync(join(tmpdir(), 'newsroom-start-'));
  chmodSync(work, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must reach its folder
  const dataDir = join(work, 'pg');
  let port: number;
  let pgPort: number;
  const env = () => serviceEnv({ PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), EMBEDDED_PG_DIR: dataDir, ...SMOKE_ADMIN });
  const running: StartedProcess[] = [];

  beforeAll(async () => {
    port = await freePort();
    pgPort = await freePort();
    // Compile up front (npm start would), so the first test's readiness wait measures the start, not the build.
    buildDist();
  });

  afterAll(() => {
    for (const p of running) {
      try {
        process.kill(-p.child.pid!, 'SIGKILL');
      } catch {
        // already stopped
      }
    }
    rmSync(work, { recursive: true, force: true });
  });

  const start = (vars: NodeJS.ProcessEnv = env()) => {
    const p = startProcess('npm', ['start'], vars);
    running.push(p);
    return p;
  };

  it('should pass the README walkthrough and the walkthrough script, then on SIGTERM to npm finish the in-flight request and stop everything', async () => {
    const p = start();
    await p.waitUntilReady(port);

    // The README's block, as written: on a fresh database it prints what its comments promise.
    const readme = runReadmeWalkthrough(port);
    expect(readme.status, `${readme.stdout}\n${readme.stderr}`).toBe(0);
    expect(readme.stdout.split('\n')).toEqual([
      'pending',
      '0',
      '0',
      'approved',
      '1',
      '1',
      'reader@example.com',
      'Subject: New reply to your comment: Зеленски: Украйна иска съвместно производство на системи за ПВО с Япония',
      '',
    ]);
    expect(readme.stderr).toBe('');

    const smoke = runSmoke(port);
    expect(smoke.status, `${smoke.stdout}\n${smoke.stderr}`).toBe(0);
    expect(smoke.stdout).toContain('not counted while pending (single 2, bulk 2)');
    expect(smoke.stdout).toContain('counted after approval: single 3, bulk 3');

    const tree = descendants(p.child.pid!);
    expect(tree.length).toBeGreaterThan(2); // node, the database's watchdog, postgres and its workers
    const held = await requestHeldByLock(pgPort, port);
    process.kill(p.child.pid!, 'SIGTERM');
    await sleep(500);
    await held.release();
    const res = await held.response;
    // Answered after the signal: the database was still up while the server drained.
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ count: 3 });

    expect(await p.exited).toBe(0);
    expect(alive(tree)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
    expect(await portIsFree(pgPort)).toBe(true);

    const out = p.output();
    // The ready line says what is true: the bound address, and the URL on this machine (no PUBLIC_URL here).
    expect(out).toContain(
      `ready: listening on 0.0.0.0:${port}; http://localhost:${port}/api on this machine (OpenAPI: http://localhost:${port}/api/docs)`,
    );
    expect(out).toContain('SIGTERM: stopping');
    expect(out).toMatch(/stopped\n?$/);
    expect(out).not.toMatch(/ WARN | ERROR /);
    // Development logs: plain text when not a terminal, one line per request, health probes not at `log` level.
    expect(out).not.toContain('\u001b[');
    expect(out).toMatch(/\[HTTP\] request method=POST url=\/api\/auth\/register status=201 ms=[\d.]+ reqId=\S+\n/);
    expect(out).not.toContain('url=/api/health');
    expect(out).not.toContain('Mapped {'); // Nest's per-route start-up lines are debug-level
  }, 180_000);

  describe('while an instance runs', () => {
    let first: StartedProcess;

    beforeAll(async () => {
      first = start({ ...env(), PUBLIC_URL: 'https://comments.example.bg' });
      await first.waitUntilReady(port);
    }, 120_000);

    it('should print the bound address and PUBLIC_URL when it is set, in the ready line and the setup link', () => {
      expect(first.output()).toContain(
        `ready: listening on 0.0.0.0:${port}; public address https://comments.example.bg/api (OpenAPI: https://comments.example.bg/api/docs)`,
      );
      expect(first.output()).not.toContain('http://localhost');
    });

    it('should keep the data of the previous run', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/articles/${SEED_SLUG}/comments/count`);
      expect(await res.json()).toMatchObject({ count: 3 });
    });

    it('should refuse a second instance on the same data folder with one line naming EMBEDDED_PG_DIR', async () => {
      const second = start(
        serviceEnv({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), EMBEDDED_PG_DIR: dataDir }),
      );
      expect(await second.exited).toBe(1);
      expectOneLineFailure(second.output(), /EMBEDDED_PG_DIR=.* is in use by another PostgreSQL \(pid \d+/);
    }, 60_000);

    it('should refuse a second instance on the same port with one line naming PORT', async () => {
      const second = start(
        serviceEnv({ PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), EMBEDDED_PG_DIR: join(work, 'other') }),
      );
      expect(await second.exited).toBe(1);
      expectOneLineFailure(second.output(), new RegExp(`PORT=${port} is already in use.*set PORT`));
    }, 60_000);

    it('should stop everything on Ctrl-C (SIGINT to the whole process group), the database last', async () => {
      const tree = descendants(first.child.pid!);
      const held = await requestHeldByLock(pgPort, port);
      // What a terminal does on Ctrl-C: SIGINT to every process of the foreground job (npm and node here; the
      // database runs in its own session, so it must not receive it).
      process.kill(-first.child.pid!, 'SIGINT');
      await sleep(500);
      await held.release();
      expect((await held.response).status).toBe(200);
      expect(await first.exited).toBe(0);
      expect(alive(tree)).toEqual([]);
      expect(await portIsFree(port)).toBe(true);
      expect(await portIsFree(pgPort)).toBe(true);
      expect(first.output()).not.toMatch(/ WARN | ERROR /);
    }, 60_000);
  });

  it('should not leave the embedded PostgreSQL running when the service is killed outright (SIGKILL)', async () => {
    const p = start();
    await p.waitUntilReady(port);
    const tree = descendants(p.child.pid!);
    const node = tree.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('scripts/start.mjs'))!;
    process.kill(node, 'SIGKILL');
    await p.exited;
    // The database's watchdog notices its pipe to the service close and shuts PostgreSQL down (fast, clean).
    const deadline = Date.now() + 15_000;
    while (alive(tree).length && Date.now() < deadline) await sleep(200);
    expect(alive(tree)).toEqual([]);
    expect(await portIsFree(pgPort)).toBe(true);
    expect(readFileSync(`${dataDir}.log`, 'utf8')).toContain('database system is shut down');
  }, 60_000);

  it('should name EMBEDDED_PG_PORT in one line when that port is taken, and leave nothing running', async () => {
    const taken = await holdPort(await freePort());
    try {
      const { port: busy } = taken.address() as { port: number };
      const p = start(
        serviceEnv({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(busy), EMBEDDED_PG_DIR: join(work, 'pg-busy') }),
      );
      expect(await p.exited).toBe(1);
      expectOneLineFailure(p.output(), new RegExp(`EMBEDDED_PG_PORT=${busy} is already in use.*set EMBEDDED_PG_PORT`));
      expect(alive(descendants(p.child.pid!))).toEqual([]);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('should refuse an invalid setting with one line that names it once, exit 78, before starting anything', async () => {
    const p = start(serviceEnv({ PORT: String(await freePort()), JWT_SECRET: 'too-short' }));
    expect(await p.exited).toBe(78);
    expectOneLineFailure(p.output(), /FATAL \[Bootstrap\] invalid configuration: JWT_SECRET must be at least 32 characters$/m);
    expect(p.output()).not.toMatch(/embedded PostgreSQL|build:/);
  }, 60_000);

  it('should name DATABASE_URL in one line when the database is unreachable, without its password', async () => {
    const closed = await freePort();
    const p = start(
      serviceEnv({ PORT: String(await freePort()), DATABASE_URL: `postgresql://app:s3cret-pw@127.0.0.1:${closed}/newsroom` }),
    );
    expect(await p.exited).toBe(1);
    expectOneLineFailure(
      p.output(),
      new RegExp(`cannot connect to the database at 127.0.0.1:${closed}/newsroom as app: connection refused.*check DATABASE_URL`),
    );
    expect(p.output()).not.toContain('s3cret-pw');
  }, 60_000);

  it.runIf(process.getuid?.() === 0)(
    'should name EMBEDDED_PG_DIR in one line when the data folder belongs to another user',
    async () => {
      const foreign = join(work, 'foreign');
      mkdirSync(foreign, { mode: 0o700 });
      writeFileSync(join(foreign, 'PG_VERSION'), '18\n');
      chownSync(foreign, 65534, 65534);
      const p = start(serviceEnv({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), EMBEDDED_PG_DIR: foreign }));
      expect(await p.exited).toBe(1);
      expectOneLineFailure(p.output(), /EMBEDDED_PG_DIR=.*foreign belongs to another user \(uid 65534\).*set EMBEDDED_PG_DIR/);
    },
    60_000,
  );

  it('should read .env from the working directory, with variables already set winning (start:prod)', async () => {
    const cwd = join(work, 'envdir');
    mkdirSync(cwd);
    const closed = await freePort();
    writeFileSync(join(cwd, '.env'), `# settings\nDATABASE_URL='postgresql://app:pw@127.0.0.1:${closed}/from_dotenv'\nLOG_FORMAT=json\n`);
    // start:prod's command, from another working directory.
    const vars = serviceEnv({ PORT: String(await freePort()), LOG_FORMAT: 'pretty' });
    for (const k of ['DATABASE_URL']) delete vars[k]; // unset (not empty) so .env may provide it
    const p = startProcess(process.execPath, [join(repoRoot, 'dist/main.js')], vars, cwd);
    running.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('read settings from .env');
    expectOneLineFailure(p.output(), new RegExp(`127.0.0.1:${closed}/from_dotenv`)); // from the file
    expect(p.output()).not.toMatch(/^\{/m); // LOG_FORMAT from the environment won over the file's json
  }, 60_000);

  it("should say where the embedded server's own log is when PostgreSQL itself refuses to start", async () => {
    // Runs last: breaks the configuration of the data folder the tests above used.
    appendFileSync(join(dataDir, 'postgresql.conf'), "\nshared_buffers = 'plenty'\n");
    const p = start();
    expect(await p.exited).toBe(1);
    const logFile = `${dataDir}.log`;
    expectOneLineFailure(
      p.output(),
      new RegExp(`the embedded PostgreSQL stopped during start-up: .*\\(embedded PostgreSQL log: ${logFile}\\)`),
    );
    expect(readFileSync(logFile, 'utf8')).toMatch(/invalid value for parameter "shared_buffers"/);
  }, 60_000);
});
