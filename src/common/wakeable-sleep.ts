/**
 * The pause of a polling worker (webhooks, mail, imports) that can be cut short: `sleep(ms)` waits up to `ms`,
 * `wake()` ends the current wait at once, or the next one when none is running (a wake-up is never lost between two
 * polls). The timer does not keep the process alive.
 */
export class WakeableSleep {
  private wakeUp: (() => void) | null = null;
  private woken = false;

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      timer.unref();
      this.wakeUp = finish;
    });
  }
}
