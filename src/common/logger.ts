import { ConsoleLogger, Logger, type LoggerService, type LogLevel } from '@nestjs/common';
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
  /** JSON mode only: the fast writer for the per-request lines. */
  jsonLines?: JsonLineWriter;

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) {
      super.debug(message, ...rest);
      return;
    }
    super.log(message, ...rest);
  }

  /**
   * JSON mode: `message` is always a string, for log shippers that index it as text. A structured entry's `msg`
   * becomes the message and its other fields sit beside it (a field named like one of Nest's keys goes under
   * `fields`); any other object is given as JSON text in `message` and as itself in `data`.
   */
  protected override getJsonLogObject(
    message: unknown,
    options: Parameters<ConsoleLogger['getJsonLogObject']>[1],
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    return flattenMessage(super.getJsonLogObject(message, options));
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

/** A JSON log line whose `message` is a string (see AppLogger.getJsonLogObject). */
function flattenMessage<T extends Record<string, unknown>>(line: T): T {
  const out: Record<string, unknown> = line;
  const message = out.message;
  if (typeof message === 'string') return line;
  if (message && typeof message === 'object' && !Array.isArray(message) && 'msg' in message) {
    const { msg, ...fields } = message as Record<string, unknown>;
    out.message = String(msg);
    for (const [k, v] of Object.entries(fields)) {
      if (k in out) ((out.fields ??= {}) as Record<string, unknown>)[k] = v;
      else out[k] = v;
    }
    return line;
  }
  out.message = message !== null && typeof message === 'object' ? JSON.stringify(message) : String(message);
  if (message !== null && typeof message === 'object') out.data = message;
  return line;
}

/** The fields of the per-request log line (see app.factory.ts). */
export interface RequestLogFields {
  msg: 'request';
  method: string;
  url: string;
  status: number;
  ms: number;
  reqId: string;
}

/**
 * Writes JSON lines in Nest's own format ({ level, pid, timestamp, message, context }) without Nest's generic path:
 * that path runs a replacer over every key (it must survive circular and huge objects) and writes each line with
 * its own synchronous system call, about 35 µs per request in all, a third of a count request's CPU. The request
 * line has only strings and numbers, so plain JSON.stringify is safe; lines are collected and written once per
 * event-loop turn (and at exit, so none is lost on a normal stop).
 */
class JsonLineWriter {
  private buffer = '';
  private scheduled = false;

  constructor(private readonly write: (chunk: string) => void) {
    process.on('exit', () => this.flush());
  }

  line(level: LogLevel, context: string, fields: RequestLogFields): void {
    const { msg, ...rest } = fields;
    this.buffer += `${JSON.stringify({ level, pid: process.pid, timestamp: Date.now(), message: msg, context, ...rest })}\n`;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = '';
    this.write(chunk);
  }
}

/**
 * The per-request log line, at `level` ('log', or 'debug' for health checks) when that level is enabled: through
 * the fast JSON writer when `logger` is this service's own JSON logger, else through `logger` like any other line
 * (text mode in development, and the tests' silent logger).
 */
export function requestLogger(logger: LoggerService): (level: 'log' | 'debug', fields: RequestLogFields) => void {
  if (logger instanceof AppLogger && logger.jsonLines) {
    const out = logger.jsonLines;
    return (level, fields) => logger.isLevelEnabled(level) && out.line(level, 'HTTP', fields);
  }
  const http = new Logger('HTTP');
  return (level, fields) => http[level](fields);
}

function useColours(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** JSON lines in production (one object per line, for log shippers), one-line text in development. */
export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT'>): ConsoleLogger {
  const logLevels = LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1);
  if (env.LOG_FORMAT === 'json') {
    const logger = new AppLogger({ json: true, colors: false, logLevels });
    logger.jsonLines = new JsonLineWriter((chunk) => process.stdout.write(chunk));
    return logger;
  }
  return new AppLogger({ colors: useColours(), compact: true, breakLength: Infinity, logLevels });
}
