import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { MAX_ARTICLE_URL_LENGTH } from '../article-url.js';
import { EXAMPLE_ARTICLE_URL, EXTERNAL_ID_PATTERN } from './article-lookup.dto.js';

export class ArticleBlockDto {
  @ApiProperty({ enum: ['paragraph', 'heading'], example: 'paragraph' })
  @IsIn(['paragraph', 'heading'])
  type: 'paragraph' | 'heading';

  @ApiProperty({ example: EXAMPLE.paragraph })
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  text: string;
}

export class CreateArticleDto {
  @ApiProperty({ example: EXAMPLE.title })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;

  @ApiPropertyOptional({ description: 'defaults to the transliterated title', example: EXAMPLE.slug })
  @IsOptional()
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'slug must be lower-case Latin letters, digits and single hyphens' })
  @MaxLength(120)
  slug?: string;

  @ApiPropertyOptional({ default: 'bg', example: 'bg' })
  @IsOptional()
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/, { message: 'language must be an ISO 639-1 code such as bg or en' })
  language?: string;

  @ApiPropertyOptional({
    format: 'uri',
    description: "the article's canonical address on the news site, when it is published there too (unique; the widget may name it so)",
    example: EXAMPLE_ARTICLE_URL,
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an absolute http(s) URL' })
  @MaxLength(MAX_ARTICLE_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ description: "the news site's own id for the article, e.g. its CMS id (unique)", example: 'cms-48213' })
  @IsOptional()
  @Matches(EXTERNAL_ID_PATTERN, { message: 'externalId must be 1-200 characters without spaces or control characters' })
  externalId?: string;

  @ApiProperty({ type: [ArticleBlockDto] })
  @ValidateNested({ each: true })
  @Type(() => ArticleBlockDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  blocks: ArticleBlockDto[];
}
