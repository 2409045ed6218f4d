import { z } from 'zod';
import { EEA_COUNTRY_CODES } from '../dsa/transparency-database.js';

const PLACEHOLDER_SECRETS = new Set(['change-me', 'changeme', 'secret', 'please-change-this-secret-in-production']);

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A comma-separated list; empty entries dropped. */
const commaList = () =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

const databaseFields = {
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
/** Algorithms a publisher may sign SSO tokens with from its published keys (SSO_JWKS_URL): asymmetric only. */
export const SSO_JWKS_ALGORITHM_CHOICES = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
export type SsoJwksAlgorithm = (typeof SSO_JWKS_ALGORITHM_CHOICES)[number];

/** Every environment variable the service reads. README's configuration table mirrors this. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    ...databaseFields,
    MIGRATE_ON_START: bool.default(true),
    EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    DB_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
    JWT_SECRET: z.string().optional(),
    JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
    JWT_REFRESH_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(30 * 86_400),
    // A session (refresh-token family) ends this long after its sign-in, however often it is refreshed.
    JWT_REFRESH_ABSOLUTE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(90 * 86_400),
    ADMIN_EMAIL: z.string().email().optional(),
    ADMIN_PASSWORD: z.string().min(10).max(128).optional(),
    ADMIN_USERNAME: z.string().min(3).max(32).default('admin'),
    // While no admin exists, each start prints a one-time link to /admin/setup that creates the first one; the code in
    // it works once, for this many minutes (docs/console.md).
    ADMIN_SETUP_CODE_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
    // Extra usernames only staff may hold (the site's name, its brands), added to the built-in admin/moderator/
    // support list (users/usernames.service.ts). Comma-separated.
    RESERVED_USERNAMES: commaList(),
    // Password sign-in: `true` for everyone, `staff` for moderators and admins only (readers sign in with the
    // publisher), `false` for nobody. Registration is open only with `true`.
    LOCAL_AUTH: z.enum(['true', 'false', 'staff']).default('true'),
    // Sign-in with the publisher's accounts (auth/sso): enabled when SSO_JWKS_URL and/or SSO_SECRET is set.
    SSO_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    SSO_JWKS_ALGORITHMS: z
      .string()
      .default('RS256,ES256,EdDSA')
      .transform((v, ctx): SsoJwksAlgorithm[] => {
        const list = v
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean);
        const bad = list.filter((a) => !(SSO_JWKS_ALGORITHM_CHOICES as readonly string[]).includes(a));
        if (bad.length || !list.length) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a comma-separated list of ${SSO_JWKS_ALGORITHM_CHOICES.join(', ')} (asymmetric only)`,
          });
          return z.NEVER;
        }
        return list as SsoJwksAlgorithm[];
      }),
    SSO_JWKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
    SSO_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    SSO_SECRET: z.string().optional(),
    SSO_ISSUER: z.string().min(1).optional(),
    SSO_AUDIENCE: z.string().min(1).optional(),
    SSO_MAX_TOKEN_AGE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
    SSO_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    SSO_ROLE_CLAIM: z.string().min(1).optional(),
    // The publisher's page the moderation console opens in a popup to sign staff in with their accounts: it posts the
    // publisher's token back to the console (window.opener.postMessage, docs/console.md). Unset: no SSO button.
    SSO_LOGIN_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2000)
      .optional(),
    SSO_TRUST_ROLES: bool.default(false),
    COMMENT_EDIT_WINDOW_SECONDS: z.coerce.number().int().min(0).default(900),
    COMMENT_REPORT_THRESHOLD: z.coerce.number().int().min(1).default(3),
    COMMENT_DUPLICATE_WINDOW_SECONDS: z.coerce.number().int().min(0).default(60),
    TRUSTED_USER_APPROVED_COMMENTS: z.coerce.number().int().min(0).default(0),
    // argon2id runs (19 MiB each) allowed at once; more sign-ins wait in a queue. About the number of cores.
    PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    // Domain events (the log behind live updates and webhooks) are kept this long, then deleted.
    DOMAIN_EVENTS_RETENTION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
    // GDPR erasure (DELETE /api/me, privacy/account-erasure.service.ts): `anonymize` keeps the words of published
    // comments without an author; `delete` removes every comment's words too (each stays a deleted placeholder).
    ERASURE_MODE: z.enum(['anonymize', 'delete']).default('anonymize'),
    // Retention (privacy/retention.service.ts): sessions are deleted this many days after they expired.
    RETENTION_SESSION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    // Retention: a notifier's name and email (DSA notices) are removed this many days after the notice's decision.
    RETENTION_NOTICE_CONTACT_DAYS: z.coerce.number().int().min(0).max(3650).default(190),
    // How often this process runs the retention job, in seconds; 0 = never (another instance or a cron job does).
    RETENTION_INTERVAL_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(3600),
    // Live updates (Server-Sent Events): open streams per instance, per client address (per instance), the
    // heartbeat, how far back Last-Event-ID may resume, and how much unsent data a slow client may hold up.
    SSE_MAX_STREAMS: z.coerce.number().int().min(0).max(100_000).default(2_000),
    SSE_MAX_STREAMS_PER_IP: z.coerce.number().int().min(1).max(10_000).default(20),
    SSE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(25).default(20),
    SSE_RESUME_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    SSE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1_024).max(16_777_216).default(65_536),
    // DSA (Regulation (EU) 2022/2065; README "Legal duties"). Appeals are open this many months after a decision
    // (Art. 20(1): at least six).
    DSA_APPEAL_WINDOW_MONTHS: z.coerce.number().int().min(6).max(120).default(6),
    // The site's terms (community rules): the ground and link of every decision taken on them (Art. 17(3)(e)).
    DSA_TERMS_GROUND: z.string().trim().min(1).max(500).default('Community rules of the comment section'),
    DSA_TERMS_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(500)
      .optional(),
    // Where a removal applies (ISO codes of EU/EEA countries, the Transparency Database's `territorial_scope`).
    DSA_TERRITORIAL_SCOPE: z
      .string()
      .default(EEA_COUNTRY_CODES.join(','))
      .transform((v, ctx): string[] => {
        const list = [
          ...new Set(
            v
              .split(',')
              .map((c) => c.trim().toUpperCase())
              .filter(Boolean),
          ),
        ];
        const bad = list.filter((c) => !(EEA_COUNTRY_CODES as readonly string[]).includes(c));
        if (bad.length || !list.length) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a comma-separated list of EU/EEA country codes (${EEA_COUNTRY_CODES.join(', ')})`,
          });
          return z.NEVER;
        }
        return list.sort();
      }),
    // Art. 23 misuse: counted over this window; a threshold of 0 turns that measure off.
    DSA_MISUSE_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    DSA_MISUSE_ILLEGAL_CONTENT_THRESHOLD: z.coerce.number().int().min(0).default(3),
    DSA_MISUSE_SUSPENSION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    DSA_MISUSE_UNFOUNDED_NOTICE_THRESHOLD: z.coerce.number().int().min(0).default(5),
    DSA_MISUSE_NOTICE_HOLD_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    RATE_LIMIT_ENABLED: bool.default(true),
    // Shared rate-limit counters for several instances; unset: each process counts on its own.
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    // The password apart from the URL (any character, no URL encoding), like DB_PASSWORD.
    REDIS_PASSWORD: z.string().min(1).optional(),
    // Namespace of this service's keys, so several deployments (or test runs) can share one Redis.
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'letters, digits and _ : . - (at most 64)')
      .default('newsroom:'),
    // A Redis call slower than this counts as failed: the request is limited in memory instead (never delayed more).
    REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(200),
    CORS_ORIGINS: commaList(),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    // false: use the socket address. A number: trust that many proxy hops (1 = one reverse proxy / load balancer).
    // Otherwise a comma-separated list of proxy addresses or CIDRs. Never "trust everything": any client could then
    // name its own address in X-Forwarded-For and dodge per-IP limits.
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((v, ctx): false | number | string[] => {
        const s = v.trim();
        if (s === 'false' || s === '0' || s === '') return false;
        if (s === 'true') return 1;
        if (/^\d+$/.test(s)) return Number(s);
        const list = s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        if (list.every((p) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(p))) return list;
        ctx.addIssue({ code: 'custom', message: 'TRUST_PROXY must be false, a hop count, or a list of proxy addresses/CIDRs' });
        return z.NEVER;
      }),
    // Webhooks (webhooks/): the key(s) that encrypt the endpoints' signing secrets at rest, comma-separated, newest
    // first (older keys only decrypt, during a rotation). Unset in production: webhooks are off.
    WEBHOOK_SECRET_KEY: commaList(),
    // Allow endpoints on loopback, private, link-local and other internal addresses (tests, an intranet receiver).
    WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
    // This instance runs the delivery worker (every instance may: the queue is shared safely).
    WEBHOOK_WORKER: bool.default(true),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5000),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(15),
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(10_000),
    WEBHOOK_RETRY_MAX_DELAY_MS: z.coerce
      .number()
      .int()
      .min(1)
      .default(6 * 3_600_000),
    WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
    WEBHOOK_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    SEED_ARTICLE: bool.default(true),
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
    const sso = ssoIssues(env, secret);
    if (sso.length) {
      for (const [path, message] of sso) ctx.addIssue({ code: 'custom', path: [path], message });
      return z.NEVER;
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
      // Development and tests get a fixed, clearly-marked key so webhooks work on a fresh clone; production has none.
      WEBHOOK_SECRET_KEY: webhookKeys.length || production ? webhookKeys : ['development-only-webhook-key-do-not-use-in-production'],
    };
  });

/**
 * SSO settings that only make sense together. The publisher's tokens are trusted only with both an issuer and an
 * audience to check; a shared secret must be strong and must not be this service's own signing key (the
 * publisher could then mint our access tokens); published keys travel over TLS in production.
 */
function ssoIssues(
  env: {
    NODE_ENV: string;
    LOCAL_AUTH: string;
    SSO_JWKS_URL?: string;
    SSO_SECRET?: string;
    SSO_ISSUER?: string;
    SSO_AUDIENCE?: string;
    SSO_ROLE_CLAIM?: string;
    SSO_TRUST_ROLES: boolean;
    SSO_LOGIN_URL?: string;
  },
  jwtSecret: string,
): [string, string][] {
  const issues: [string, string][] = [];
  const enabled = env.SSO_JWKS_URL !== undefined || env.SSO_SECRET !== undefined;
  if (enabled) {
    if (!env.SSO_ISSUER)
      issues.push(['SSO_ISSUER', 'SSO_ISSUER is required with SSO_JWKS_URL or SSO_SECRET (the `iss` every token must carry)']);
    if (!env.SSO_AUDIENCE)
      issues.push(['SSO_AUDIENCE', 'SSO_AUDIENCE is required with SSO_JWKS_URL or SSO_SECRET (the `aud` every token must carry)']);
  } else if (env.SSO_ISSUER || env.SSO_AUDIENCE) {
    issues.push(['SSO_JWKS_URL', "set SSO_JWKS_URL and/or SSO_SECRET: the keys that verify the publisher's tokens"]);
  }
  if (env.SSO_SECRET !== undefined) {
    if (env.SSO_SECRET.length < 32 || PLACEHOLDER_SECRETS.has(env.SSO_SECRET))
      issues.push(['SSO_SECRET', 'SSO_SECRET must be a random value of at least 32 characters']);
    else if (env.SSO_SECRET === jwtSecret)
      issues.push(['SSO_SECRET', "SSO_SECRET must differ from JWT_SECRET (the publisher must not be able to sign this service's tokens)"]);
  }
  if (env.SSO_JWKS_URL?.startsWith('http:') && env.NODE_ENV === 'production')
    issues.push(['SSO_JWKS_URL', 'SSO_JWKS_URL must be https in production']);
  if (env.SSO_TRUST_ROLES && !env.SSO_ROLE_CLAIM)
    issues.push(['SSO_ROLE_CLAIM', 'SSO_TRUST_ROLES=true needs SSO_ROLE_CLAIM (the claim that carries the role)']);
  if (env.SSO_LOGIN_URL && !enabled)
    issues.push(['SSO_LOGIN_URL', 'SSO_LOGIN_URL needs SSO (SSO_JWKS_URL or SSO_SECRET) to verify the token its page returns']);
  if (env.LOCAL_AUTH === 'false' && !enabled)
    issues.push(['LOCAL_AUTH', 'LOCAL_AUTH=false needs SSO (SSO_JWKS_URL or SSO_SECRET): otherwise nobody can sign in']);
  return issues;
}

type DatabaseParts = z.output<z.ZodObject<typeof databaseFields>>;

/** DATABASE_URL as given, or built from DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME with every part URL-encoded. */
function databaseUrl(env: DatabaseParts, ctx: z.RefinementCtx): string | undefined | typeof z.NEVER {
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

export type Env = z.output<typeof envSchema>;

/** Only the database settings: for command-line tools such as the migration runner. */
const databaseSchema = z.object(databaseFields).transform((env, ctx) => {
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
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
