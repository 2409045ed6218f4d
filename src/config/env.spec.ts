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
    [{ NODE_ENV: 'production', JWT_SECRET: SECRET }, /DATABASE_URL is required in production/],
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
});
