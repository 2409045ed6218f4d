import { Global, Module } from '@nestjs/common';
import { RateLimitBackend } from './rate-limit.backend.js';
import { RateLimiter } from './rate-limiter.js';

/** Rate limits for every module (the guard lives in AuthModule, after authentication); health reads the backend. */
@Global()
@Module({ providers: [RateLimitBackend, RateLimiter], exports: [RateLimitBackend, RateLimiter] })
export class RateLimitModule {}
