import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../database/paths.js';
import { mailMode } from './env-mail.js';
import { envSchema, loadEnv } from './env.js';

const SECRET = 'a-real-random-secret-of-at-least-32-characters';

describe('configuration', () => {
  it('should apply the documented defaults in development', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DB_POOL_MAX: 10,
      JWT_ACCESS_TTL_SECONDS: 900,
      COMMENT_REPORT_THRESHOLD: 3,
      LOG_FORMAT: 'pretty',
      CORS_ORIGINS: [],
    });
    expect(env.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('should serve the API reference by default except in production, where API_DOCS turns it on', () => {
    expect(loadEnv({}).API_DOCS).toBe(true);
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x', JWT_SECRET: SECRET };
    expect(loadEnv(production).API_DOCS).toBe(false);
    expect(loadEnv({ ...production, API_DOCS: 'true' }).API_DOCS).toBe(true);
    expect(loadEnv({ API_DOCS: 'false' }).API_DOCS).toBe(false);
  });

  it('should require a signing secret and https for the classifier (plain http only for a private target)', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    expect(() => loadEnv({ CLASSIFIER_URL: 'https://classifier.example.bg/check' })).toThrow(/CLASSIFIER_SECRET/);
    expect(() => loadEnv({ CLASSIFIER_URL: 'http://classifier.example.bg/check', CLASSIFIER_SECRET: secret })).toThrow(/must be https/);
    expect(() => loadEnv({ CLASSIFIER_URL: 'https://u:p@classifier.example.bg/', CLASSIFIER_SECRET: secret })).toThrow(/credentials/);
    expect(loadEnv({ CLASSIFIER_URL: 'https://classifier.example.bg/check', CLASSIFIER_SECRET: secret }).CLASSIFIER_TIMEOUT_MS).toBe(800);
    expect(
      loadEnv({ CLASSIFIER_URL: 'http://10.0.0.5/check', CLASSIFIER_SECRET: secret, CLASSIFIER_ALLOW_PRIVATE_TARGET: 'true' })
        .CLASSIFIER_URL,
    ).toBe('http://10.0.0.5/check');
  });

  it('should type and split values', () => {
    const env = loadEnv({
      PORT: '8080',
      RATE_LIMIT_ENABLED: 'false',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      JWT_SECRET: SECRET,
    });
    expect(env.PORT).toBe(8080);
    expect(env.RATE_LIMIT_ENABLED).toBe(false);
    expect(env.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x' }, /JWT_SECRET must be set/],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x', JWT_SECRET: 'change-me' }, /JWT_SECRET must be set/],
    [{ NODE_ENV: 'production', JWT_SECRET: SECRET }, /DATABASE_URL \(or DB_HOST\) is required in production/],
    [{ DATABASE_URL: 'postgresql://db/x', DB_HOST: 'db' }, /DB_HOST: set either DATABASE_URL or DB_HOST/],
    [{ DB_HOST: 'db', DB_NAME: 'newsroom' }, /configuration: DB_USER must be set with DB_HOST/],
    [{ JWT_SECRET: 'too-short' }, /at least 32 characters/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgresql:\/\/ URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('should refuse %o with a message naming the variable', (source, message) => {
    expect(() => loadEnv(source as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('should name each variable once in a message that starts with it', () => {
    const message = (source: NodeJS.ProcessEnv) => {
      try {
        loadEnv(source);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    expect(message({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x', JWT_SECRET: 'change-me' })).toMatch(
      /^invalid configuration: JWT_SECRET must be set to a random value/,
    );
    expect(message({ JWT_SECRET: 'too-short' })).toBe('invalid configuration: JWT_SECRET must be at least 32 characters');
    expect(message({ PORT: 'eighty' })).toMatch(/^invalid configuration: PORT: /);
  });

  it('should accept a complete production configuration and log JSON there', () => {
    const env = loadEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://u:p@db:5432/newsroom', JWT_SECRET: SECRET });
    expect(env.LOG_FORMAT).toBe('json');
    expect(env.JWT_SECRET).toBe(SECRET);
  });

  it('should build DATABASE_URL from DB_* parts, encoding a password with URL-reserved characters', () => {
    const env = loadEnv({ DB_HOST: 'db', DB_USER: 'newsroom_app', DB_PASSWORD: 'p@ss:w/o#rd?%', DB_NAME: 'newsroom' });
    expect(env.DATABASE_URL).toBe('postgresql://newsroom_app:p%40ss%3Aw%2Fo%23rd%3F%25@db:5432/newsroom');
    const parsed = new URL(env.DATABASE_URL!);
    expect(decodeURIComponent(parsed.password)).toBe('p@ss:w/o#rd?%');
    expect(parsed.hostname).toBe('db');
  });

  it('should treat empty values as unset (NAME= in .env, ${NAME:-} in Compose)', () => {
    const env = loadEnv({ ADMIN_EMAIL: '', DATABASE_URL: '', PORT: '', MIGRATE_ON_START: '' });
    expect(env.ADMIN_EMAIL).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.MIGRATE_ON_START).toBe(true);
  });

  it('should name every problem on one line', () => {
    expect(() => loadEnv({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/^invalid configuration: PORT: .+; LOG_LEVEL: [^\n]+$/);
  });
});

describe('configuration: sign-in with the publisher (SSO) and LOCAL_AUTH', () => {
  const SSO = { SSO_ISSUER: 'https://www.example.bg', SSO_AUDIENCE: 'newsroom-comments' };
  const SSO_SECRET = 'publisher-shared-secret-0123456789abcdef';

  it('should leave SSO off and password sign-in on by default', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      LOCAL_AUTH: 'true',
      SSO_TRUST_ROLES: false,
      SSO_MAX_TOKEN_AGE_SECONDS: 300,
      SSO_CLOCK_SKEW_SECONDS: 30,
      SSO_JWKS_ALGORITHMS: ['RS256', 'ES256', 'EdDSA'],
    });
    expect(env.SSO_JWKS_URL).toBeUndefined();
    expect(env.SSO_SECRET).toBeUndefined();
  });

  it('should accept a complete SSO configuration', () => {
    const env = loadEnv({
      ...SSO,
      SSO_JWKS_URL: 'https://www.example.bg/.well-known/jwks.json',
      SSO_SECRET,
      SSO_JWKS_ALGORITHMS: 'ES256, EdDSA',
      LOCAL_AUTH: 'false',
    });
    expect(env).toMatchObject({ SSO_JWKS_ALGORITHMS: ['ES256', 'EdDSA'], LOCAL_AUTH: 'false' });
  });

  it.each([
    [{ SSO_SECRET }, /SSO_ISSUER is required/],
    [{ SSO_SECRET, SSO_ISSUER: 'https://www.example.bg' }, /SSO_AUDIENCE is required/],
    [{ ...SSO }, /SSO_JWKS_URL: set SSO_JWKS_URL and\/or SSO_SECRET/],
    [{ ...SSO, SSO_SECRET: 'short-secret' }, /SSO_SECRET must be a random value of at least 32 characters/],
    [{ ...SSO, SSO_SECRET: SECRET, JWT_SECRET: SECRET }, /SSO_SECRET must differ from JWT_SECRET/],
    [{ ...SSO, SSO_JWKS_URL: 'ftp://example.bg/jwks' }, /SSO_JWKS_URL: must be an http\(s\) URL/],
    [
      { ...SSO, SSO_JWKS_URL: 'http://www.example.bg/jwks', NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x', JWT_SECRET: SECRET },
      /must be https in production/,
    ],
    [{ ...SSO, SSO_SECRET, SSO_JWKS_ALGORITHMS: 'RS256,HS256' }, /SSO_JWKS_ALGORITHMS: must be a comma-separated list/],
    [{ ...SSO, SSO_SECRET, SSO_JWKS_ALGORITHMS: 'none' }, /SSO_JWKS_ALGORITHMS/],
    [{ ...SSO, SSO_SECRET, SSO_TRUST_ROLES: 'true' }, /SSO_TRUST_ROLES=true needs SSO_ROLE_CLAIM/],
    [{ LOCAL_AUTH: 'false' }, /LOCAL_AUTH=false needs SSO/],
    [{ LOCAL_AUTH: 'no' }, /LOCAL_AUTH/],
  ])('should refuse %o with a message naming the variable', (source, message) => {
    expect(() => loadEnv(source as NodeJS.ProcessEnv)).toThrow(message);
  });
});

describe('webhook configuration', () => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://u:p@db:5432/newsroom', JWT_SECRET: SECRET };

  it('should use a development-only key outside production, and none in production (webhooks off)', () => {
    expect(loadEnv({}).WEBHOOK_SECRET_KEY).toEqual([expect.stringContaining('development-only')]);
    expect(loadEnv(production).WEBHOOK_SECRET_KEY).toEqual([]);
  });

  it('should take a comma-separated list of keys, newest first, with the documented defaults', () => {
    const env = loadEnv({ ...production, WEBHOOK_SECRET_KEY: `${'n'.repeat(40)}, ${'o'.repeat(40)}` });
    expect(env).toMatchObject({
      WEBHOOK_SECRET_KEY: ['n'.repeat(40), 'o'.repeat(40)],
      WEBHOOK_ALLOW_PRIVATE_TARGETS: false,
      WEBHOOK_WORKER: true,
      WEBHOOK_TIMEOUT_MS: 5000,
      WEBHOOK_MAX_ATTEMPTS: 15,
      WEBHOOK_RETRY_BASE_MS: 10_000,
      WEBHOOK_RETRY_MAX_DELAY_MS: 21_600_000,
      WEBHOOK_POLL_INTERVAL_MS: 2_000,
      WEBHOOK_CONCURRENCY: 8,
      WEBHOOK_DELIVERY_RETENTION_DAYS: 30,
    });
  });

  it.each([
    [{ WEBHOOK_SECRET_KEY: 'short' }, /WEBHOOK_SECRET_KEY .*at least 32 characters/],
    [{ WEBHOOK_SECRET_KEY: `${'n'.repeat(40)},change-me` }, /WEBHOOK_SECRET_KEY/],
    [{ WEBHOOK_SECRET_KEY: SECRET }, /WEBHOOK_SECRET_KEY must differ from JWT_SECRET/],
    [{ WEBHOOK_TIMEOUT_MS: '60000' }, /WEBHOOK_TIMEOUT_MS/],
    [{ WEBHOOK_MAX_ATTEMPTS: '0' }, /WEBHOOK_MAX_ATTEMPTS/],
    [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' }, /WEBHOOK_ALLOW_PRIVATE_TARGETS/],
  ])('should refuse %o with a message naming the variable', (source, message) => {
    expect(() => loadEnv({ ...production, ...source })).toThrow(message);
  });
});

describe('configuration: articles the news site hosts (ARTICLE_AUTO_CREATE) and PUBLIC_URL', () => {
  it('should keep stubs off by default and take the hosts in lower case', () => {
    const defaults = loadEnv({});
    expect(defaults).toMatchObject({ ARTICLE_AUTO_CREATE: false, ARTICLE_AUTO_CREATE_HOSTS: [] });
    expect(defaults.PUBLIC_URL).toBeUndefined();
    const env = loadEnv({
      ARTICLE_AUTO_CREATE: 'true',
      ARTICLE_AUTO_CREATE_HOSTS: 'WWW.Example.bg, example.bg',
      CORS_ORIGINS: 'https://www.example.bg',
      PUBLIC_URL: 'https://comments.example.bg/',
    });
    expect(env.ARTICLE_AUTO_CREATE_HOSTS).toEqual(['www.example.bg', 'example.bg']);
    expect(env.PUBLIC_URL).toBe('https://comments.example.bg');
  });

  it.each([
    [{ ARTICLE_AUTO_CREATE: 'true', CORS_ORIGINS: 'https://www.example.bg' }, /ARTICLE_AUTO_CREATE_HOSTS: ARTICLE_AUTO_CREATE=true needs/],
    [{ ARTICLE_AUTO_CREATE: 'true', ARTICLE_AUTO_CREATE_HOSTS: 'www.example.bg' }, /CORS_ORIGINS: ARTICLE_AUTO_CREATE=true needs/],
    [{ PUBLIC_URL: 'https://comments.example.bg/path' }, /PUBLIC_URL: must be an http\(s\) origin/],
    [{ PUBLIC_URL: 'comments.example.bg' }, /PUBLIC_URL/],
  ])('should refuse %o with a message naming the variable', (source, message) => {
    expect(() => loadEnv(source as NodeJS.ProcessEnv)).toThrow(message);
  });
});

describe('configuration: e-mail (SMTP_URL, MAIL_*)', () => {
  it('should keep mail off by default and take an SMTP URL with its sender', () => {
    const defaults = loadEnv({});
    expect(defaults).toMatchObject({ MAIL_WORKER: true, MAIL_MAX_ATTEMPTS: 10, MAIL_DIGEST_HOUR_UTC: 6, MAIL_DEV_DIR: '.data/mail' });
    expect(defaults.SMTP_URL).toBeUndefined();
    const env = loadEnv({
      SMTP_URL: 'smtps://comments%40example.bg:secret@smtp.example.bg:465',
      MAIL_FROM: 'Коментари <comments@example.bg>',
    });
    expect(env.SMTP_URL).toBe('smtps://comments%40example.bg:secret@smtp.example.bg:465');
  });

  it.each([
    [{ SMTP_URL: 'smtp://smtp.example.bg:587' }, /MAIL_FROM is required with SMTP_URL/],
    [{ SMTP_URL: 'https://smtp.example.bg' }, /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/],
    [{ MAIL_DIGEST_HOUR_UTC: '24' }, /MAIL_DIGEST_HOUR_UTC/],
  ])('should refuse %o with a message naming the variable', (source, message) => {
    expect(() => loadEnv(source as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('should need PUBLIC_URL with SMTP_URL in production (links in mails are absolute)', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x', JWT_SECRET: SECRET };
    const mail = { SMTP_URL: 'smtp://smtp.example.bg:587', MAIL_FROM: 'comments@example.bg' };
    expect(() => loadEnv({ ...production, ...mail })).toThrow(/PUBLIC_URL is required with SMTP_URL in production/);
    expect(loadEnv({ ...production, ...mail, PUBLIC_URL: 'https://comments.example.bg' }).SMTP_URL).toBe(mail.SMTP_URL);
  });
  it('should send through SMTP with SMTP_URL, write files in development without it, and send nothing otherwise', () => {
    const mail = { SMTP_URL: 'smtp://smtp.example.bg:587', MAIL_FROM: 'comments@example.bg' };
    expect(mailMode(loadEnv(mail))).toBe('smtp');
    expect(mailMode(loadEnv({}))).toBe('folder');
    expect(mailMode(loadEnv({ NODE_ENV: 'test' }))).toBe('off');
    expect(mailMode(loadEnv({ NODE_ENV: 'test', SMTP_URL: '' }))).toBe('off');
  });
});

describe('configuration documentation', () => {
  // envSchema is an object schema followed by transforms (a pipe); its input object lists every variable.
  const keys = Object.keys((envSchema as unknown as { in: { shape: Record<string, unknown> } }).in.shape);
  const operations = readFileSync(join(projectRoot, 'docs', 'operations.md'), 'utf8');
  const compose = readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8');

  /** The variables named in the first column of the table under `heading` (`A` or `A` / `B` per row). */
  function tableVariables(heading: string): string[] {
    const start = operations.indexOf(`\n${heading}\n`);
    expect(start, `docs/operations.md has no heading "${heading}"`).toBeGreaterThan(-1);
    const rest = operations.slice(start + heading.length + 2);
    const section = rest.slice(0, rest.search(/^#/m) === -1 ? undefined : rest.search(/^#/m));
    return [...section.matchAll(/^\| (`[A-Z_]+`(?: \/ `[A-Z_]+`)*) \|/gm)].flatMap((m) =>
      [...m[1].matchAll(/`([A-Z_]+)`/g)].map((v) => v[1]),
    );
  }

  it("should list exactly the service's variables in docs/operations.md, and every one in .env.example", () => {
    const example = readFileSync(join(projectRoot, '.env.example'), 'utf8');
    expect(keys.length).toBeGreaterThan(50);
    expect([...tableVariables('### Read by the service')].sort()).toEqual([...keys].sort());
    expect(keys.filter((k) => !new RegExp(`(^|[\\s#])${k}=`, 'm').test(example))).toEqual([]);
  });

  it('should list in docs/operations.md exactly the docker-compose.yml variables the service does not read, and the secrets it passes on', () => {
    const composeVariables = new Set([...compose.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]));
    const documented = tableVariables('### Read by docker-compose.yml only');
    expect(documented.filter((v) => !composeVariables.has(v))).toEqual([]);
    expect([...composeVariables].filter((v) => !keys.includes(v) && !documented.includes(v))).toEqual([]);
  });
});
