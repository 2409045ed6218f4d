import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOptional } from './validation/is-optional.decorator.js';
import { AppError } from './errors/app-error.js';
import { encodeCursor, type Keyset } from './cursor.js';
import type { Page } from './openapi/page.dto.js';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ description: "opaque cursor from the previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export { encodeCursor, type Keyset };

/** With `scored`, the cursor must carry a score (`s`, an int4): it came from a page ordered by a score. */
export function decodeCursor(cursor: string | undefined): { t: Date; id: string } | undefined;
export function decodeCursor(cursor: string | undefined, scored: true): { t: Date; id: string; s: number } | undefined;
export function decodeCursor(cursor: string | undefined, scored = false): { t: Date; id: string; s?: number } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Keyset>;
    const t = new Date(String(parsed.t));
    // Years outside 1..9999 parse in JavaScript but not in PostgreSQL: a forged cursor must be a 400, not a 500.
    const year = t.getUTCFullYear();
    const s = parsed.s;
    const scoreOk = !scored || (Number.isInteger(s) && s! >= 0 && s! <= 2_147_483_647);
    if (typeof parsed.id === 'string' && UUID.test(parsed.id) && year >= 1 && year <= 9999 && scoreOk)
      return scored ? { t, id: parsed.id, s } : { t, id: parsed.id };
  } catch {
    // fall through
  }
  throw AppError.badRequest('INVALID_CURSOR', 'The cursor is malformed; use nextCursor from a previous page', [
    { field: 'cursor', message: 'cursor is malformed' },
  ]);
}

/** Prisma `where` for the next page of a newest-first list (`created_at DESC, id DESC`): the rows after the cursor's. */
export function olderThan(after: { t: Date; id: string } | undefined): { OR?: object[] } {
  return after ? { OR: [{ createdAt: { lt: after.t } }, { createdAt: after.t, id: { lt: after.id } }] } : {};
}

/** `rows` fetched with `take: limit + 1` as a page: the first `limit`, and the cursor of the last when more follow. */
export function keysetPage<R extends { createdAt: Date; id: string }, V>(rows: R[], limit: number, view: (row: R) => V): Page<V> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
}
