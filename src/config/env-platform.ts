import { z } from 'zod';
import { bool, commaList } from './env-helpers.js';

/** Configuration of the platform: the HTTP server, rate limiting (Redis), proxies and CORS, webhooks, logging. */

export const serverFields = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
};

export const platformFields = {
  RATE_LIMIT_ENABLED: bool.default(true),
  // The API reference (Swagger UI at /api/docs, the document at /api/docs-json); unset: on except in production.
  API_DOCS: bool.optional(),
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
  // Absolute links the service writes (canonical links of its article pages; later: e-mails), e.g.
  // https://comments.example.bg. Unset: the pages write no absolute links.
  PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\/[^/?#]+\/?$/, 'must be an http(s) origin such as https://comments.example.bg (no path)')
    .transform((v) => v.replace(/\/$/, ''))
    .optional(),
  // Articles the news site hosts itself: the widget's first load from a page on an allowed origin (CORS_ORIGINS)
  // whose URL's host is listed here creates a stub article (title and URL, no text). Off unless turned on.
  ARTICLE_AUTO_CREATE: bool.default(false),
  ARTICLE_AUTO_CREATE_HOSTS: commaList().transform((hosts) => hosts.map((h) => h.toLowerCase())),
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
  // The publisher's classifier (docs/triage.md): an endpoint called for every new or edited comment, which answers
  // publish, hold or refuse. Unset: no classifier. https only, unless CLASSIFIER_ALLOW_PRIVATE_TARGET=true.
  CLASSIFIER_URL: z.string().url().max(2000).optional(),
  // The Standard Webhooks secret (whsec_ + base64) the calls are signed with, so the classifier knows they are ours.
  CLASSIFIER_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be a Standard Webhooks secret: whsec_ followed by base64 of 24-64 random bytes')
    .optional(),
  // No answer within this time: the comment is held for a moderator (never published unchecked).
  CLASSIFIER_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(800),
  // Allow a classifier on loopback, private and other internal addresses, and over plain http (an intranet service).
  CLASSIFIER_ALLOW_PRIVATE_TARGET: bool.default(false),
  // How often this instance looks for comments left awaiting their check (a process stopped between storing and
  // deciding). Every instance may: a comment is claimed by one at a time.
  // The disposable e-mail domains of the e-mail domain rule (docs/triage.md): a file, one domain a line, that replaces
  // the shipped list (src/triage/disposable-domains.ts). Read at start-up.
  DISPOSABLE_EMAIL_DOMAINS_FILE: z.string().min(1).optional(),
  // A spam service (docs/triage.md): Akismet's comment-check for every new or edited comment, and submit-spam /
  // submit-ham when a moderator overrides it. Off unless both are set. AKISMET_URL: the API's base (tests).
  AKISMET_KEY: z.string().min(1).max(200).optional(),
  AKISMET_SITE: z.string().url().max(2000).optional(),
  AKISMET_URL: z.string().url().default('https://rest.akismet.com'),
  SPAM_CHECK_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(800),
  // How long the client's address and user agent (kept encrypted for the spam service only) stay after the decision,
  // so a moderator's override can be reported to the service; then they are deleted (0: at the decision).
  SPAM_FEEDBACK_DAYS: z.coerce.number().int().min(0).max(90).default(14),
  COMMENT_CHECK_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SEED_ARTICLE: bool.default(true),
};
