import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probePort } from '../../src/common/port-probe.js';
import { envSchema } from '../../src/config/env.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface StartedProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the exit code (or 128 + signal number when killed by a signal). */
  exited: Promise<number>;
  /** Polls GET /api/health until 200, failing early when the process exits. */
  waitUntilReady(port: number, timeoutMs?: number): Promise<void>;
}

/**
 * The environment for a spawned service: nothing from the test worker (whose DATABASE_URL, LOG_* and NODE_ENV are
 * the suite's), and every variable the service reads set, empty when not given, so a developer's own .env in the
 * checkout cannot change what the test sees (set variables, even empty ones, win over .env).
 */
export function serviceEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const blank = Object.fromEntries(Object.keys(envSchema.in.shape).map((k) => [k, '']));
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...blank, ...vars };
}

/** Spawns a command in its own process group, as a terminal starts a job (so -pid addresses the whole job). */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): StartedProcess {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2))),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    child,
    output: () => out,
    exited,
    async waitUntilReady(port, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (gone) throw new Error(`process exited before it was ready:\n${out}`);
        const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`not ready within ${timeoutMs} ms:\n${out}`);
    },
  };
}

/** Every process below `pid` (Linux /proc), found by walking parent ids: also those in other sessions. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may contain spaces, so split after it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

export function alive(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); // a zombie has exited
    } catch {
      return false;
    }
  });
}

export async function portIsFree(port: number): Promise<boolean> {
  return (await probePort(port, '127.0.0.1')) === undefined;
}

/** The admin the walkthrough signs in as (ADMIN_EMAIL / ADMIN_PASSWORD of the service under test): the README's. */
export const SMOKE_ADMIN = { ADMIN_EMAIL: 'editor@example.com', ADMIN_PASSWORD: 'change-me-now-1' };

/** Runs scripts/smoke.sh (the README walkthrough as a script) against a service on 127.0.0.1:port. */
export function runSmoke(port: number): SpawnSyncReturns<string> {
  return spawnSync('bash', ['scripts/smoke.sh', `http://127.0.0.1:${port}`], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...SMOKE_ADMIN },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** The README's walkthrough: the shell block after the comment that names this test, exactly as written there. */
export function readmeWalkthrough(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /<!-- test\/e2e\/platform\/start\.e2e-spec\.ts runs this block[^>]*-->\s*```sh\n([\s\S]*?)\n```/.exec(readme);
  if (!block) throw new Error('README.md: no walkthrough block after the comment naming test/e2e/platform/start.e2e-spec.ts');
  return block[1];
}

/**
 * Runs the README's walkthrough with bash, as a reader would in a second terminal, against a service on `port`.
 * Its stderr goes to a file, as to a terminal: the block writes to /dev/stderr, which cannot be opened on the
 * socket Node would give it.
 */
export function runReadmeWalkthrough(port: number): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'newsroom-walkthrough-'));
  const errFile = join(dir, 'stderr');
  const errFd = openSync(errFile, 'w');
  try {
    const run = spawnSync('bash', ['-e', '-c', readmeWalkthrough()], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, PORT: String(port) },
      stdio: ['ignore', 'pipe', errFd],
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: run.status, stdout: run.stdout, stderr: readFileSync(errFile, 'utf8') };
  } finally {
    closeSync(errFd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles src/ into dist/ (incremental, safe to run from parallel test files). */
export function buildDist(): void {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
}
