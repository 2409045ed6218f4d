import 'reflect-metadata';
import { AppConfig } from './config/app-config.js';
import { PrismaService } from './prisma/prisma.service.js';

// Canary: NestJS dependency injection and ValidationPipe depend on TypeScript's decorator metadata. If the test
// transformer (Vite/Oxc) ever stops emitting it, every e2e test would fail in confusing ways; this fails clearly.
describe('decorator metadata', () => {
  it('should be emitted for constructor parameters', () => {
    expect(Reflect.getMetadata('design:paramtypes', PrismaService)).toEqual([AppConfig]);
  });
});
