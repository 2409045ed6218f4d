import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run compose:check`: the Compose stack for real, on a Docker engine. Not part of `npm test` (CI has no engine;
// test/e2e/platform/compose.e2e-spec.ts checks the files statically there). No database of the suite: the stack
// brings its own.
export default defineConfig({
  test: {
    globals: true,
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/manual/**/*.manual-spec.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
  },
});
