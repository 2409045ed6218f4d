import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: true,
    root: './',
    include: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/setup-env.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
    // expect.poll waits for what a person would wait for (a page drawing its cards, a worker recording a delivery).
    // Vitest's 1 s default holds on an idle machine only; a poll that succeeds returns at once, so a longer limit
    // costs passing tests nothing.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
