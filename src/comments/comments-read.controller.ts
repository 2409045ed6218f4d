import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { articleNotFound } from '../articles/articles.service.js';
import { Public } from '../common/auth/decorators.js';
import { sendCacheable } from '../common/http-cache.js';
import { CommentCountsService } from './comment-counts.service.js';
import { BulkCountsQueryDto } from './dto/counts.dto.js';
import { isSlug } from '../articles/slugify.js';

@ApiTags('comments')
@Controller()
export class CommentCountsController {
  constructor(private readonly counts: CommentCountsService) {}

  /** `{ slug, count }`: approved, not deleted comments. Cacheable (ETag + short max-age). */
  @Public({ identify: false })
  @Get('articles/:slug/comments/count')
  async count(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const count = isSlug(slug) ? await this.counts.forSlug(slug) : undefined;
    if (count === undefined) throw articleNotFound(slug);
    return sendCacheable(req, reply, { slug, count });
  }

  /**
   * `{ counts: { slug: n } }` for up to 100 slugs. Every requested slug is present in `counts`; unknown slugs
   * count 0 and are also listed in `unknown`, so a listing page never breaks on a stale slug.
   */
  @Public({ identify: false })
  @Get('comments/counts')
  async bulk(@Query() q: BulkCountsQueryDto, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const found = await this.counts.forSlugs(q.articles);
    const counts: Record<string, number> = {};
    const unknown: string[] = [];
    for (const slug of q.articles) {
      const c = found.get(slug);
      counts[slug] = c ?? 0;
      if (c === undefined) unknown.push(slug);
    }
    return sendCacheable(req, reply, { counts, unknown });
  }
}
