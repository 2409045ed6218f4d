import { AppError } from '../common/errors/app-error.js';
import { ConcurrencyGate } from './password.service.js';

/** A task that finishes when the test says so, recording when it started. */
function deferred(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => (log.push(`start ${name}`), done.then(() => name)), finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(ConcurrencyGate.name, () => {
  it('should run at most `limit` tasks at once and start the others in arrival order', async () => {
    const gate = new ConcurrencyGate(2, 10);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((n) => deferred(log, n));
    const results = tasks.map((t) => gate.run(t.task));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    expect(gate.queued).toBe(2);
    tasks[1].finish();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    tasks[0].finish();
    tasks[2].finish();
    tasks[3].finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d']);
    expect(gate.queued).toBe(0);
  });

  it('should free the slot when a task fails', async () => {
    const gate = new ConcurrencyGate(1, 10);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('should turn away callers beyond the waiting limit with 503 and Retry-After, and accept them again later', async () => {
    const gate = new ConcurrencyGate(1, 1);
    const log: string[] = [];
    const running = deferred(log, 'running');
    const first = gate.run(running.task);
    const second = gate.run(() => Promise.resolve('waited'));
    const refused = await gate.run(() => Promise.resolve('never')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', headers: { 'retry-after': '1' } });
    running.finish();
    await expect(Promise.all([first, second])).resolves.toEqual(['running', 'waited']);
    await expect(gate.run(() => Promise.resolve('again'))).resolves.toBe('again');
  });
});
