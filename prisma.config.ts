import { defineConfig } from 'prisma/config';

// Offline machines cannot download Prisma's native schema engine. Generation runs on WASM and only
// needs this path to exist; `prisma migrate *` then fails loudly (the stub exits 1) instead of
// reporting success without applying anything. Where the real engine exists, set
// PRISMA_SCHEMA_ENGINE_BINARY yourself or unset it and `prisma migrate deploy` works as usual.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= new URL('./scripts/no-schema-engine.sh', import.meta.url).pathname;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // Read only by CLI commands that talk to a database (never by `generate`).
    url: process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
  },
});
