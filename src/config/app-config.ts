import { Injectable } from '@nestjs/common';
import { type Env, loadEnv } from './env.js';

/** Typed, validated configuration. Read once at boot; a bad value stops the process with a clear message. */
@Injectable()
export class AppConfig {
  readonly env: Env;

  constructor() {
    this.env = loadEnv();
  }

  get<K extends keyof Env>(key: K): Env[K] {
    return this.env[key];
  }

  get databaseUrl(): string {
    const url = this.env.DATABASE_URL ?? process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set (main.ts starts the embedded database before the app)');
    return url;
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
}
