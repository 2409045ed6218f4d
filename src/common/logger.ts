import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { Env } from '../config/env.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** JSON lines in production (one object per line, for log shippers), coloured text in development. */
export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT'>): ConsoleLogger {
  const logLevels = LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1);
  return new ConsoleLogger({ json: env.LOG_FORMAT === 'json', colors: env.LOG_FORMAT !== 'json', logLevels });
}
