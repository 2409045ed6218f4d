import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/**
 * Uuid path parameters, each named for what it names (`commentId`, `userId`, `appealId`, never a bare `id`: a
 * generated client's parameter then says which resource it takes). Any well-formed uuid ('loose', what PostgreSQL
 * accepts) passes; anything else is 400 VALIDATION_FAILED (`<name> must be a UUID`), never a database error.
 * Extend it with a named class, which the ValidationPipe finds through the handler's parameter types:
 * `export class CommentIdParam extends UuidParams('commentId') {}`.
 */
export function UuidParams<const N extends string>(...names: N[]): Type<Record<N, string>> {
  class UuidParamsDto {}
  for (const name of names) {
    ApiProperty({ type: String, format: 'uuid' })(UuidParamsDto.prototype, name);
    IsUUID('loose', { message: `${name} must be a UUID` })(UuidParamsDto.prototype, name);
  }
  return UuidParamsDto as Type<Record<N, string>>;
}
