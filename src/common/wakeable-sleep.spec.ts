import { WakeableSleep } from './wakeable-sleep.js';

describe(WakeableSleep.name, () => {
  it('should end a running sleep at wake(), long before its time', async () => {
    const pause = new WakeableSleep();
    const started = performance.now();
    const slept = pause.sleep(60_000);
    pause.wake();
    await slept;
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('should keep a wake-up that comes between two sleeps for the next one, and only for that one', async () => {
    const pause = new WakeableSleep();
    pause.wake();
    await pause.sleep(60_000); // returns at once
    let done = false;
    const next = pause.sleep(20).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    await next;
    expect(done).toBe(true);
  });
});
