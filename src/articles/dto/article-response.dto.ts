import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { PageOf } from '../../common/openapi/page.dto.js';

export class ArticleBlockView {
  @ApiProperty({ enum: ['paragraph', 'heading'], example: 'paragraph' })
  type: 'paragraph' | 'heading';

  @ApiProperty({ example: EXAMPLE.paragraph })
  text: string;
}

export class ArticleSummaryDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.articleId })
  id: string;

  @ApiProperty({ example: EXAMPLE.slug })
  slug: string;

  @ApiProperty({ example: EXAMPLE.title })
  title: string;

  @ApiProperty({ description: 'ISO 639-1', example: 'bg' })
  language: string;

  @ApiProperty({ type: 'integer', description: 'approved, not deleted comments', example: 12 })
  commentCount: number;

  @ApiProperty({ example: true })
  commentsOpen: boolean;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.publishedAt })
  publishedAt: string;

  @ApiProperty({
    type: String,
    format: 'uri',
    nullable: true,
    description: "the article's canonical address on the news site (stubs and articles published with one), else null",
    example: null,
  })
  url: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "the news site's own id for the article (its CMS id), else null",
    example: null,
  })
  externalId: string | null;
}

export class ArticleDto extends ArticleSummaryDto {
  @ApiProperty({ type: [ArticleBlockView], description: 'empty for a stub (an article the news site hosts itself)' })
  blocks: ArticleBlockView[];

  @ApiProperty({ enum: ['pre', 'post'], description: 'pre: comments wait for a moderator; post: published at once', example: 'pre' })
  moderation: 'pre' | 'post';

  @ApiProperty({ format: 'date-time', example: '2026-11-28T08:02:10.000Z' })
  updatedAt: string;
}

export class ArticleResponse {
  @ApiProperty()
  article: ArticleDto;
}

export const ArticlePage = PageOf(ArticleSummaryDto, 'ArticlePage');

/** One article's summary (a lookup or a stub that was found or created). */
export class ArticleSummaryResponse {
  @ApiProperty()
  article: ArticleSummaryDto;
}
