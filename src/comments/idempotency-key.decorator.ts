import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';

/** 1..100 visible ASCII characters (no spaces), as the IETF Idempotency-Key draft's examples use. */
const KEY = /^[\x21-\x7E]{1,100}$/;

/** The request's `Idempotency-Key` header, validated; undefined when absent. Malformed → 400. */
export const IdempotencyKey = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | undefined => {
  const raw = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY.test(raw)) {
    throw AppError.badRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-100 visible ASCII characters', [
      { field: 'Idempotency-Key', message: 'must be 1-100 visible ASCII characters' },
    ]);
  }
  return raw;
});
