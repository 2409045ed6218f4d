import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE } from './examples.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A keyset page of `Item`s as a named schema (`ArticlePage`, `CommentPage`...). */
export function PageOf<T>(item: Type<T>, name: string): Type<Page<T>> {
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last page', example: EXAMPLE.cursor })
    nextCursor: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: name });
  return PageDto;
}
