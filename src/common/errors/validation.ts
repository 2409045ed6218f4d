import { ValidationPipe, type ValidationError } from '@nestjs/common';
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

/** whitelist + forbidNonWhitelisted + transform; failures become 400 VALIDATION_FAILED with per-field details. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', flatten(errors)),
  });
}
