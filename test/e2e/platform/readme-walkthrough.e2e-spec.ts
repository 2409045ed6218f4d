import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { freePort } from '../../helpers/net.js';
import { readmeWalkthrough, repoRoot } from '../../helpers/start-process.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * The README block with bash, without blocking this process (the service under test runs in it). stdin is not a
 * socket, or bash would read ~/.bashrc as for a remote shell.
 */
function runWalkthrough(port: number): Promise<Run> {
  const child = spawn('bash', ['-e', '-c', readmeWalkthrough()], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ status: code ?? 1, stdout, stderr })));
}

/** Stopped at the first step with `sentence` on stderr: no Node stack trace, no `undefined`, nothing on stdout. */
function expectStoppedWith(run: Run, sentence: RegExp): void {
  expect(run.status, run.stderr).not.toBe(0);
  expect(run.stderr.trim().split('\n'), run.stderr).toEqual([expect.stringMatching(sentence)]);
  expect(run.stderr).not.toMatch(/^\s+at |TypeError|SyntaxError/m);
  expect(run.stdout).toBe('');
}

describe('the README walkthrough', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should stop at the first step with a sentence when no service listens on PORT', async () => {
    const port = await freePort();
    expectStoppedWith(
      await runWalkthrough(port),
      new RegExp(`^no answer from http://localhost:${port}/api: is the service running there \\(PORT\\)\\?$`),
    );
  });

  it('should stop at the first step with the service’s answer when the admin it signs in as does not exist', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    expectStoppedWith(await runWalkthrough(port), /^the service answered INVALID_CREDENTIALS: /);
  });
});
