import { z } from 'zod';
import { bool } from './env-helpers.js';

/** Configuration: the database connection (also read alone by the command-line tools) and the pool. */

/** The connection, as a URL or as parts. */
export const databaseConnectionFields = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  // The same connection as separate parts, for passwords with characters a URL would have to encode (@ : / #).
  DB_HOST: z.string().min(1).optional(),
  DB_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
  DB_USER: z.string().min(1).optional(),
  DB_PASSWORD: z.string().optional(),
  DB_NAME: z.string().min(1).optional(),
  // Migration step only (`npm run db:migrate`): after migrating, give this role the service's rights (no DDL).
  MIGRATE_GRANT_TO: z.string().min(1).optional(),
};

/** The embedded development database, migrations at start-up, the pool and its timeouts. */
export const databaseFields = {
  MIGRATE_ON_START: bool.default(true),
  EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
};

type DatabaseParts = z.output<z.ZodObject<typeof databaseConnectionFields>>;

/** DATABASE_URL as given, or built from DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME with every part URL-encoded. */
export function databaseUrl(env: DatabaseParts, ctx: z.RefinementCtx): string | undefined | typeof z.NEVER {
  if (!env.DB_HOST) return env.DATABASE_URL;
  if (env.DATABASE_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['DB_HOST'],
      message: 'set either DATABASE_URL or DB_HOST (with DB_USER, DB_PASSWORD, DB_NAME), not both',
    });
    return z.NEVER;
  }
  const missing = (['DB_USER', 'DB_NAME'] as const).filter((k) => !env[k]);
  if (missing.length) {
    ctx.addIssue({ code: 'custom', path: [missing[0]], message: `${missing.join(' and ')} must be set with DB_HOST` });
    return z.NEVER;
  }
  const e = encodeURIComponent;
  const credentials = env.DB_PASSWORD ? `${e(env.DB_USER!)}:${e(env.DB_PASSWORD)}` : e(env.DB_USER!);
  const host = env.DB_HOST.includes(':') ? `[${env.DB_HOST}]` : env.DB_HOST;
  return `postgresql://${credentials}@${host}:${env.DB_PORT}/${e(env.DB_NAME!)}`;
}
