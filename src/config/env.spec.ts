import { loadEnv } from './env.js';

const SECRET = 'a-real-random-secret-of-at-least-32-characters';

describe('configuration', () => {
  it('applies documented defaults in development', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ NODE_ENV: 'development', PORT: 3000, DB_POOL_MAX: 10, JWT_ACCESS_TTL_SECONDS: 900, COMMENT_REPORT_THRESHOLD: 3, LOG_FORMAT: 'pretty', CORS_ORIGINS: [] });
    expect(env.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('types and splits values', () => {
    const env = loadEnv({ PORT: '8080', RATE_LIMIT_ENABLED: 'false', CORS_ORIGINS: 'https://a.example, https://b.example', JWT_SECRET: SECRET });
    expect(env.PORT).toBe(8080);
    expect(env.RATE_LIMIT_ENABLED).toBe(false);
    expect(env.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x' }, /JWT_SECRET must be set/],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x', JWT_SECRET: 'change-me' }, /JWT_SECRET must be set/],
    [{ NODE_ENV: 'production', JWT_SECRET: SECRET }, /DATABASE_URL \(or DB_HOST\) is required in production/],
    [{ DATABASE_URL: 'postgresql://db/x', DB_HOST: 'db' }, /DB_HOST: set either DATABASE_URL or DB_HOST/],
    [{ DB_HOST: 'db', DB_NAME: 'newsroom' }, /DB_USER: DB_USER must be set with DB_HOST/],
    [{ JWT_SECRET: 'too-short' }, /at least 32 characters/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgresql:\/\/ URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('refuses %o with a message naming the variable', (source, message) => {
    expect(() => loadEnv(source as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('accepts a complete production configuration and logs JSON there', () => {
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
