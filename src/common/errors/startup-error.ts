/**
 * A start-up failure the person starting the service can fix: `message` is one line naming the cause and the
 * variable to change. main.ts prints it (no stack trace) and exits non-zero.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
