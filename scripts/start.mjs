// `npm start`: compile what changed since the last build (SWC, a fraction of a second; nothing when nothing
// changed), then run the service in this same process. One process, so a signal sent to it (npm passes SIGINT and
// SIGTERM on to it because the npm script `exec`s node) reaches the service's own shutdown directly.
import { build, isBuilt } from './build.mjs';

// The configuration first: a mistake is one FATAL line at once, not after the build check and loading the modules.
// It runs from the last build when that holds the current validation code (a first build: main.js validates first).
if (isBuilt(['src/preflight.ts', 'src/common/logger.ts', 'src/config/'])) {
  const { checkConfiguration } = await import('../dist/preflight.js');
  checkConfiguration();
}

try {
  const r = await build();
  if (r.compiled || r.removed || r.generated || r.web) {
    process.stdout.write(
      `build: ${r.compiled} file(s) compiled${r.generated ? ', Prisma client generated' : ''}${r.web ? ', pages built' : ''} in ${r.ms} ms\n`,
    );
  }
} catch (err) {
  process.stderr.write(`build failed: ${err.message}\n`);
  process.exit(1);
}
await import('../dist/main.js');
