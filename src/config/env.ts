import { z } from 'zod';
import { authFields, ssoIssues } from './env-auth.js';
import { databaseConnectionFields, databaseFields, databaseUrl } from './env-database.js';
import { featureFields } from './env-features.js';
import { PLACEHOLDER_SECRETS } from './env-helpers.js';
import { mailFields, mailIssues } from './env-mail.js';
import { platformFields, serverFields } from './env-platform.js';

/**
 * Every environment variable the service reads, validated once at boot (the fields by topic in env-*.ts), with the
 * checks that span several of them. README's configuration table mirrors this.
 */
export const envSchema = z
  .object({
    ...serverFields,
    ...databaseConnectionFields,
    ...databaseFields,
    ...authFields,
    ...featureFields,
    ...platformFields,
    ...mailFields,
  })
  .transform((env, ctx) => {
    const production = env.NODE_ENV === 'production';
    let secret = env.JWT_SECRET;
    if (!secret || PLACEHOLDER_SECRETS.has(secret)) {
      if (production) {
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_SECRET'],
          message: 'JWT_SECRET must be set to a random value of at least 32 characters in production',
        });
        return z.NEVER;
      }
      // Development and tests get a fixed, clearly-marked key so `npm start` works on a fresh clone.
      secret = 'development-only-secret-do-not-use-in-production-0123456789';
    }
    if (secret.length < 32) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'JWT_SECRET must be at least 32 characters' });
      return z.NEVER;
    }
    const database = databaseUrl(env, ctx);
    if (database === z.NEVER) return z.NEVER;
    if (production && !database) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'DATABASE_URL (or DB_HOST) is required in production (the embedded database is for development only)',
      });
      return z.NEVER;
    }
    if (env.SSE_RESUME_WINDOW_SECONDS > env.DOMAIN_EVENTS_RETENTION_HOURS * 3600) {
      ctx.addIssue({
        code: 'custom',
        path: ['SSE_RESUME_WINDOW_SECONDS'],
        message: 'SSE_RESUME_WINDOW_SECONDS must not exceed DOMAIN_EVENTS_RETENTION_HOURS (the events it replays)',
      });
      return z.NEVER;
    }
    if (env.ARTICLE_AUTO_CREATE && !env.ARTICLE_AUTO_CREATE_HOSTS.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['ARTICLE_AUTO_CREATE_HOSTS'],
        message: 'ARTICLE_AUTO_CREATE=true needs ARTICLE_AUTO_CREATE_HOSTS (the hosts whose pages may create articles)',
      });
      return z.NEVER;
    }
    if (env.ARTICLE_AUTO_CREATE && !env.CORS_ORIGINS.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['CORS_ORIGINS'],
        message: "ARTICLE_AUTO_CREATE=true needs CORS_ORIGINS (the news site's origins whose pages may create articles)",
      });
      return z.NEVER;
    }
    const sso = ssoIssues(env, secret);
    if (sso.length) {
      for (const [path, message] of sso) ctx.addIssue({ code: 'custom', path: [path], message });
      return z.NEVER;
    }
    const mail = mailIssues(env);
    if (mail.length) {
      for (const [path, message] of mail) ctx.addIssue({ code: 'custom', path: [path], message });
      return z.NEVER;
    }
    if (env.CLASSIFIER_URL) {
      const url = new URL(env.CLASSIFIER_URL);
      const problem = !env.CLASSIFIER_SECRET
        ? ['CLASSIFIER_SECRET', 'CLASSIFIER_URL needs CLASSIFIER_SECRET (whsec_…): the calls are signed']
        : url.protocol !== 'https:' && !(url.protocol === 'http:' && env.CLASSIFIER_ALLOW_PRIVATE_TARGET)
          ? ['CLASSIFIER_URL', 'CLASSIFIER_URL must be https (plain http only with CLASSIFIER_ALLOW_PRIVATE_TARGET=true)']
          : url.username || url.password || url.hash
            ? ['CLASSIFIER_URL', 'CLASSIFIER_URL must not contain credentials or a fragment']
            : null;
      if (problem) {
        ctx.addIssue({ code: 'custom', path: [problem[0]], message: problem[1] });
        return z.NEVER;
      }
    }
    const webhookKeys = env.WEBHOOK_SECRET_KEY;
    if (webhookKeys.some((k) => k.length < 32 || PLACEHOLDER_SECRETS.has(k))) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SECRET_KEY'],
        message: 'WEBHOOK_SECRET_KEY must be random values of at least 32 characters (comma-separated, newest first)',
      });
      return z.NEVER;
    }
    if (webhookKeys.includes(secret)) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET_KEY'], message: 'WEBHOOK_SECRET_KEY must differ from JWT_SECRET' });
      return z.NEVER;
    }
    return {
      ...env,
      DATABASE_URL: database,
      JWT_SECRET: secret,
      LOG_FORMAT: env.LOG_FORMAT ?? (production ? 'json' : 'pretty'),
      // The API reference maps every route for whoever asks: public in production only when the operator says so.
      API_DOCS: env.API_DOCS ?? !production,
      // Development and tests get a fixed, clearly-marked key so webhooks work on a fresh clone; production has none.
      WEBHOOK_SECRET_KEY: webhookKeys.length || production ? webhookKeys : ['development-only-webhook-key-do-not-use-in-production'],
    };
  });

export type Env = z.output<typeof envSchema>;

/** Only the database settings: for command-line tools such as the migration runner. */
const databaseSchema = z.object(databaseConnectionFields).transform((env, ctx) => {
  const url = databaseUrl(env, ctx);
  return url === z.NEVER ? z.NEVER : { DATABASE_URL: url, MIGRATE_GRANT_TO: env.MIGRATE_GRANT_TO };
});

/**
 * Parses the environment; throws one readable error listing every problem. An empty value counts as unset, as
 * `NAME=` lines in .env files and `NAME: ${NAME:-}` in Compose files mean "not configured".
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  return parse(envSchema, source);
}

export function loadDatabaseEnv(source: NodeJS.ProcessEnv = process.env): { DATABASE_URL?: string; MIGRATE_GRANT_TO?: string } {
  return parse(databaseSchema, source);
}

function parse<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv): z.output<T> {
  const result = schema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')));
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const name = i.path.join('.') || '(env)';
      // Messages that already start with the variable's name are shown as they are (not "JWT_SECRET: JWT_SECRET …").
      return i.message.startsWith(`${name} `) ? i.message : `${name}: ${i.message}`;
    });
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
