import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { ArticlesService } from '../../src/articles/articles.service.js';
import { loadEnv } from '../../src/config/env.js';
import { PrismaService } from '../../src/prisma/prisma.service.js';
import { installContractCheck } from './contract.js';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof supertest>;
  prisma: PrismaService;
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 (for a real browser or another process) and returns the base URL. */
export async function listen(t: TestApp): Promise<string> {
  // Once per app: a second call (another describe of the same file) reuses the port.
  if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

const silent = { log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {} };

/** Boots the real application (Fastify, all modules, real PostgreSQL) with optional env overrides. */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(overrides)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    const env = loadEnv();
    const app = await createApp(env, process.env.TEST_LOGS ? undefined : silent);
    installContractCheck(app);
    await app.get(ArticlesService).seed();
    return {
      app,
      http: supertest(app.getHttpServer()),
      prisma: app.get(PrismaService),
      close: () => app.close(),
    };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export const SEED_SLUG = 'zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia';
