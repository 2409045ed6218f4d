import 'reflect-metadata';
import { afterEach, inject } from 'vitest';
import { takeContractViolations } from './helpers/contract.js';

// Per worker, before any spec imports the app: point the app at the test database and quiet the logs.
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = inject('databaseUrl');
process.env.LOG_LEVEL ??= 'error';
process.env.LOG_FORMAT ??= 'json';
process.env.JWT_SECRET ??= 'test-secret-that-is-long-enough-0123456789abcdef';
process.env.RATE_LIMIT_ENABLED ??= 'false';
// Test apps share one database: the retention job runs only where a test starts it (test/e2e/privacy/privacy-retention.e2e-spec.ts).
process.env.RETENTION_INTERVAL_SECONDS ??= '0';
process.env.SEED_ARTICLE ??= 'true';

// Every response a test received must match the OpenAPI document (see helpers/contract.ts).
afterEach(() => {
  const violations = takeContractViolations();
  if (violations.length) throw new Error(`responses that break the OpenAPI contract:\n  ${violations.join('\n  ')}`);
});
