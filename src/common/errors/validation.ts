import { type ArgumentMetadata, type Type, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError, type ErrorDetail } from './app-error.js';

/** Rules about a value's type: when one fails, the value's other rules (length, format…) say nothing useful. */
const TYPE_RULES = new Set(['isString', 'isNumber', 'isInt', 'isBoolean', 'isArray', 'isObject', 'isDate']);

/**
 * Only the rules that apply: a missing field is "required" (not every constraint it would have had to meet), a
 * value of the wrong type gets its type rule, anything else every rule it breaks.
 */
function messagesFor(e: ValidationError, field: string): string[] {
  const constraints = Object.entries(e.constraints ?? {});
  if (!constraints.length) return [];
  // whitelistValidation: a property that must not be sent at all.
  if (e.value === undefined && !e.constraints?.whitelistValidation) return [`${field} is required`];
  if (e.value === null) return [`${field} must not be null`];
  const typeRules = constraints.filter(([name]) => TYPE_RULES.has(name));
  return (typeRules.length ? typeRules : constraints).map(([, message]) => message);
}

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of messagesFor(e, field)) out.push({ field, message });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** Validated query DTOs remembered per DTO class; the oldest entry makes room for a new one. */
const QUERY_CACHE_SIZE = 256;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The global pipe. Query strings of public reads repeat across readers (a listing page asks every visitor's
 * browser for the same 50 counts, an article page for the same first page of comments), and turning them into a
 * DTO with class-transformer and class-validator costs more than the rest of such a request. Validation is a pure
 * function of (DTO class, query), so valid query DTOs are kept (frozen, shared, bounded per class); invalid ones
 * always take the full path and are never cached.
 */
class CachingValidationPipe extends ValidationPipe {
  private readonly queries = new WeakMap<Type<unknown>, Map<string, unknown>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as Type<unknown> | undefined;
    if (metadata.type !== 'query' || !metatype || typeof value !== 'object' || value === null || !this.toValidate(metadata)) {
      return super.transform(value, metadata);
    }
    let cache = this.queries.get(metatype);
    if (!cache) this.queries.set(metatype, (cache = new Map<string, unknown>()));
    const key = JSON.stringify(value);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const dto = deepFreeze((await super.transform(value, metadata)) as unknown);
    if (cache.size >= QUERY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, dto);
    return dto;
  }
}

/** whitelist + forbidNonWhitelisted + transform; failures become 400 VALIDATION_FAILED with per-field details. */
export function createValidationPipe(): ValidationPipe {
  return new CachingValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', flatten(errors)),
  });
}
