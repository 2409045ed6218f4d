import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { PageQueryDto } from '../../common/pagination.js';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { MAX_ARTICLE_URL_LENGTH } from '../article-url.js';

/** The news site's own id for an article: 1-200 visible characters (no spaces or control characters). */
export const EXTERNAL_ID_PATTERN = /^[^\s\p{Cc}]{1,200}$/u;
const EXTERNAL_ID_MESSAGE = 'externalId must be 1-200 characters without spaces or control characters';
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export const EXAMPLE_ARTICLE_URL = 'https://www.example.bg/world/2026/11/28/zelenski-yaponia-pvo';

/** `GET /api/articles` filters: the article a news site's page names by its URL or its own id. */
export class ListArticlesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uri',
    description: "only the article with this canonical URL (tracking parameters and the fragment are ignored); with the widget's `url`",
    example: EXAMPLE_ARTICLE_URL,
  })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'url must be an absolute http(s) URL' })
  @MaxLength(MAX_ARTICLE_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ description: "only the article with this id of the news site's (its CMS id)", example: 'cms-48213' })
  @IsOptional()
  @Matches(EXTERNAL_ID_PATTERN, { message: EXTERNAL_ID_MESSAGE })
  externalId?: string;
}

/**
 * `POST /api/articles/resolve`: the article a page names (by slug, external id or URL), created as a stub on first
 * load when ARTICLE_AUTO_CREATE allows it for that page.
 */
export class ResolveArticleDto {
  @ApiPropertyOptional({ description: "the article's slug here (a new stub takes it when free)", example: EXAMPLE.slug })
  @IsOptional()
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'slug must be lower-case Latin letters, digits and single hyphens' })
  @MaxLength(120)
  slug?: string;

  @ApiPropertyOptional({ description: "the news site's own id for the article (its CMS id)", example: 'cms-48213' })
  @IsOptional()
  @Matches(EXTERNAL_ID_PATTERN, { message: EXTERNAL_ID_MESSAGE })
  externalId?: string;

  @ApiPropertyOptional({
    format: 'uri',
    description:
      "the article's canonical URL on the news site; a stub is created only for a URL whose host is in ARTICLE_AUTO_CREATE_HOSTS",
    example: EXAMPLE_ARTICLE_URL,
  })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'url must be an absolute http(s) URL' })
  @MaxLength(MAX_ARTICLE_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ description: "a new stub's title (the page's title); ignored when the article exists", example: EXAMPLE.title })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ default: 'bg', description: "a new stub's language (the page's `lang`), ISO 639-1", example: 'bg' })
  @IsOptional()
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/, { message: 'language must be an ISO 639-1 code such as bg or en' })
  language?: string;
}
