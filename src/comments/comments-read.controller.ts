import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { articleNotFound } from '../articles/articles.service.js';
import { Public } from '../common/auth/decorators.js';
import { COUNT_CACHE } from '../common/http-cache.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { CommentCountsService } from './comment-counts.service.js';
import { CommentCountDto, CommentCountsDto } from './dto/comment-response.dto.js';
import { BulkCountsQueryDto } from './dto/counts.dto.js';

/**
 * The hottest routes: every article and listing page asks. They reply through Fastify directly (no Nest response
 * pipeline); the conditional-GET hook still adds ETag / Cache-Control and answers If-None-Match with 304.
 */
@ApiTags('comments')
@Controller()
export class CommentCountsController {
  constructor(private readonly counts: CommentCountsService) {}

  @Public({ identify: false })
  @Get('articles/:slug/comments/count')
  @Endpoint({
    operationId: 'getCommentCount',
    summary: "An article's comment count",
    description: 'Approved, not deleted comments. Cacheable by browsers and CDNs (see README, "Counts behind a CDN").',
    type: CommentCountDto,
    errors: ['ARTICLE_NOT_FOUND'],
    cache: COUNT_CACHE,
  })
  async count(@Param('slug') slug: string, @Res() reply: FastifyReply): Promise<void> {
    const count = await this.counts.forSlug(slug);
    if (count === undefined) throw articleNotFound(slug);
    void reply.send({ slug, count } satisfies CommentCountDto);
  }

  /**
   * `{ counts: { slug: n } }` for up to 100 slugs. Every requested slug is present in `counts`; unknown slugs
   * count 0 and are also listed in `unknown`, so a listing page never breaks on a stale slug.
   */
  @Public({ identify: false })
  @Get('comments/counts')
  @Endpoint({
    operationId: 'getCommentCounts',
    summary: 'Comment counts of up to 100 articles',
    description: 'For listing pages: one request for every article on the page. Cacheable like the single count.',
    type: CommentCountsDto,
    cache: COUNT_CACHE,
  })
  async bulk(@Query() q: BulkCountsQueryDto, @Res() reply: FastifyReply): Promise<void> {
    void reply.send((await this.counts.forSlugs(q.articles)) satisfies CommentCountsDto);
  }
}
