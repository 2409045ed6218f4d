import { Logger } from '@nestjs/common';
import { createLogger } from './common/logger.js';
import { loadDotEnv } from './config/dotenv.js';
import { type Env, loadEnv } from './config/env.js';

/**
 * Reads `.env` and validates the environment, before anything heavy loads: `npm start` runs it before its build
 * check (scripts/start.mjs, when the last build is current for these files) and main.ts before it loads the
 * application's modules, so a configuration mistake is one FATAL line within a fraction of a second, exit 78.
 */
export function checkConfiguration(): { env: Env; envFile?: string } {
  try {
    const envFile = loadDotEnv();
    return { env: loadEnv(), envFile };
  } catch (err) {
    Logger.overrideLogger(createLogger({ LOG_LEVEL: 'log', LOG_FORMAT: process.env.NODE_ENV === 'production' ? 'json' : 'pretty' }));
    new Logger('Bootstrap').fatal((err as Error).message);
    process.exit(78); // EX_CONFIG
  }
}
