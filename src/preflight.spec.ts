import { readFileSync } from 'node:fs';

// A configuration mistake must show before the slow part of a start (the build check, loading Nest, Prisma and
// every feature module): these read the start path's source, since timing would not hold on a loaded machine.
const source = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('configuration preflight', () => {
  it("should load only the start-up helpers statically in main.ts, the application's modules after checkConfiguration()", () => {
    const main = source('src/main.ts');
    const staticImports = [...main.matchAll(/^import (?!type )[^;]*? from '([^']+)';$/gms)].map((m) => m[1]);
    expect(staticImports).toEqual([
      '@nestjs/common',
      './common/errors/startup-error.js',
      './common/logger.js',
      './common/port-probe.js',
      './database/connect.js',
      './database/embedded.js',
      './database/migrator.js',
      './preflight.js',
    ]);
    expect(main.indexOf('checkConfiguration()')).toBeGreaterThan(0);
    expect(main.indexOf("import('./app.factory.js')")).toBeGreaterThan(main.indexOf('checkConfiguration()'));
  });

  it('should validate the configuration in npm start before the build check', () => {
    const start = source('scripts/start.mjs');
    expect(start.indexOf('checkConfiguration()')).toBeGreaterThan(0);
    expect(start.indexOf('await build()')).toBeGreaterThan(start.indexOf('checkConfiguration()'));
  });
});
