import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { Env } from '../config/env.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

// Nest's own start-up chatter (one line per module and per route, ~60 lines) buries the lines a person needs;
// it stays available at LOG_LEVEL=debug.
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's ConsoleLogger with two changes. Its own start-up chatter goes to debug. In text mode (development) every
 * entry is one line: a structured entry ({ msg, ...fields }) prints as `msg key=value …` instead of a multi-line
 * object dump, and colour is used only when writing to a terminal (and NO_COLOR is not set), so redirected or piped
 * output stays plain text. JSON mode (production) keeps Nest's one-object-per-line format.
 */
class AppLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) {
      super.debug(message, ...rest);
      return;
    }
    super.log(message, ...rest);
  }

  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    if (message && typeof message === 'object' && !Array.isArray(message) && 'msg' in message) {
      const { msg, ...fields } = message as Record<string, unknown>;
      const pairs = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
      return this.colorize([String(msg), ...pairs].join(' '), logLevel);
    }
    return super.stringifyMessage(message, logLevel);
  }
}

function useColours(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** JSON lines in production (one object per line, for log shippers), one-line text in development. */
export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT'>): ConsoleLogger {
  const logLevels = LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1);
  if (env.LOG_FORMAT === 'json') return new AppLogger({ json: true, colors: false, logLevels });
  return new AppLogger({ colors: useColours(), compact: true, breakLength: Infinity, logLevels });
}
