import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';

export class BulkCountsQueryDto {
  @ApiProperty({ description: 'comma-separated article slugs, 1..100', example: [EXAMPLE.slug, 'nyama-takava-statia'], type: [String] })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? [
          ...new Set(
            value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          ),
        ]
      : value,
  )
  @IsArray({ message: 'articles must be a comma-separated list of slugs' })
  @ArrayMinSize(1, { message: 'articles must name at least one slug' })
  @ArrayMaxSize(100, { message: 'articles may name at most 100 slugs' })
  @IsString({ each: true })
  @MaxLength(120, { each: true })
  articles: string[];
}
