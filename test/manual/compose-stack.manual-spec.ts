import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_SLUG } from '../helpers/app.js';
import { freePort } from '../helpers/net.js';
import { json, SseClient } from '../helpers/sse.js';
import { repoRoot } from '../helpers/start-process.js';

// The Compose stack for real: build the image, bring the stack up with two API replicas behind the proxy, run the
// walkthrough script through the proxy while a live-update stream watches, stop and start it again (the data must
// survive), tear it down. A manual step, run where a Docker engine and a compose CLI exist:
//
//   npm run compose:check        # DOCKER_HOST is honoured, e.g. after `eval "$(compose-standins env)"`
//
// It fails (it does not skip) without an engine: it runs only when asked for. CI checks the same files statically
// (test/e2e/platform/compose.e2e-spec.ts); run this one after changing docker-compose.yml, docker/, the Dockerfile
// or the start-up path, and before a release.

type Run = (args: string[], timeoutMs?: number) => SpawnSyncReturns<string>;

function findEngine(): { compose: string[] } | { reason: string } {
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  const info = run('docker', ['info', '--format', '{{.ServerVersion}}']);
  if (info.error || info.status !== 0) {
    return { reason: `no Docker engine (docker info: ${(info.error?.message ?? info.stderr.trim().split('\n')[0]) || 'failed'})` };
  }
  if (run('docker', ['compose', 'version']).status === 0) return { compose: ['docker', 'compose'] };
  if (run('docker-compose', ['version']).status === 0) return { compose: ['docker-compose'] };
  return { reason: 'a Docker engine but no compose CLI (docker compose / docker-compose)' };
}

describe('docker compose stack', () => {
  let compose: string[] = [];
  const project = `newsroom_test_${process.pid}`;
  const image = `newsroom-comments:test-${process.pid}`;
  // Made in beforeAll, so collecting this file creates nothing.
  let work: string | undefined;
  let envFile = '';
  const admin = { ADMIN_EMAIL: 'editor@example.com', ADMIN_PASSWORD: 'compose-admin-pw-1' };
  let port: number;

  const sh = (cmd: string, args: string[], timeoutMs = 120_000, env: Record<string, string> = {}) =>
    spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, API_IMAGE: image, ...env } });
  const dc: Run = (args, timeoutMs) => sh(compose[0], [...compose.slice(1), '-p', project, '--env-file', envFile, ...args], timeoutMs);
  const ok = (r: SpawnSyncReturns<string>) => expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);

  const REPLICAS = 2;
  /** Every API replica and the proxy report healthy. */
  const stackHealthy = async () => {
    const deadline = Date.now() + 180_000;
    const healthy = (service: string) => {
      const ids = dc(['ps', '-q', service]).stdout.trim().split('\n').filter(Boolean);
      return ids.length > 0 &&
        ids.every((id) => sh('docker', ['inspect', '-f', '{{.State.Health.Status}}', id]).stdout.trim() === 'healthy')
        ? ids.length
        : 0;
    };
    while (Date.now() < deadline) {
      if (healthy('api') === REPLICAS && healthy('proxy') === 1 && healthy('redis') === 1) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`stack not healthy:\n${dc(['logs', '--no-color', '--tail', '50']).stdout}`);
  };
  const smoke = () => sh('bash', ['scripts/smoke.sh', `http://127.0.0.1:${port}`], 60_000, admin);

  beforeAll(async () => {
    const engine = findEngine();
    if ('reason' in engine) throw new Error(`npm run compose:check needs a Docker engine and a compose CLI: ${engine.reason}`);
    compose = engine.compose;
    work = mkdtempSync(join(tmpdir(), 'newsroom-compose-'));
    envFile = join(work, 'compose.env');
    port = await freePort();
    // Passwords with the characters that used to break the connection URL.
    writeFileSync(
      envFile,
      [
        "POSTGRES_PASSWORD='su@per:pw/1#x'",
        "DB_OWNER_PASSWORD='own@er:pw/2#y'",
        "DB_APP_PASSWORD='a@pp:pw/3#z'",
        `API_PORT=${port}`,
        'REDIS_PASSWORD=compose-test-redis-pw-0123456789',
        'JWT_SECRET=compose-test-secret-0123456789abcdef0123',
        `ADMIN_EMAIL=${admin.ADMIN_EMAIL}`,
        `ADMIN_PASSWORD=${admin.ADMIN_PASSWORD}`,
        '',
      ].join('\n'),
    );
    // Host networking for the build, as compose-standins does: build containers may have no route to the registry.
    ok(sh('docker', ['build', '--network', 'host', '-t', image, '.'], 900_000));
  }, 900_000);

  afterAll(() => {
    if (!work) return; // no engine: nothing was started
    dc(['down', '-v', '--remove-orphans']);
    sh('docker', ['rmi', image]);
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('should pass the walkthrough through the proxy with live updates, keep its data when the containers are removed and created again, and publish on 127.0.0.1 only', async () => {
    ok(dc(['up', '-d', '--no-build', '--scale', `api=${REPLICAS}`], 300_000));
    await stackHealthy();
    const stream = await SseClient.open(`http://127.0.0.1:${port}/api/articles/${SEED_SLUG}/events`);
    expect(stream.status).toBe(200);
    await stream.next((e) => e.event === 'count');
    const first = smoke();
    ok(first);
    expect(first.stdout).toContain('counted after approval: single 1, bulk 1');
    // The approval reached the stream through the proxy, whichever replica served which request.
    await stream.next((e) => e.event === 'comment', 10_000);
    expect(json(await stream.next((e) => e.event === 'count' && e.id !== undefined, 10_000))).toMatchObject({ count: 1 });
    stream.close();
    expect(dc(['port', 'proxy', '8080']).stdout.trim()).toBe(`127.0.0.1:${port}`);
    expect(dc(['ps', '-q', 'api']).stdout.trim().split('\n')).toHaveLength(REPLICAS);
    expect(dc(['logs', '--no-color', 'migrate']).stdout).toMatch(/"msg":"migrations applied".*"grantedTo":"newsroom_app"/);

    ok(dc(['down'], 120_000)); // containers gone, the database volume stays
    ok(dc(['up', '-d', '--no-build', '--scale', `api=${REPLICAS}`], 300_000));
    await stackHealthy();
    const second = smoke();
    ok(second);
    expect(second.stdout).toContain('count before: 1');
    expect(second.stdout).toContain('counted after approval: single 2, bulk 2');
  }, 900_000);
});
