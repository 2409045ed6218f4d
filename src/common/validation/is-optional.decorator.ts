import { ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * The property may be left out; when it is sent, every rule applies, and `null` is a value like any other (so
 * `"commentsOpen": null` is 400 "must not be null"). class-validator's own `@IsOptional()` also skips the rules for
 * `null`, which then reaches services and Prisma as "set this column to NULL" (a 500 on NOT NULL columns), while
 * the OpenAPI document describes no request field as nullable. The document build refuses class-validator's.
 */
export function IsOptional(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}
