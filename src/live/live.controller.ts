import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { BulkCountsQueryDto } from '../comments/dto/counts.dto.js';
import { LiveStreamsService } from './live-streams.service.js';

/** Opening streams is cheap but not free (two or three queries): a reconnect loop is limited like other reads. */
const STREAM_LIMIT = { name: 'events', limit: 120, windowSeconds: 60, per: 'ip' } as const;

const LAST_EVENT_ID = {
  name: 'Last-Event-ID',
  required: false,
  description:
    'Sent by the browser when it reconnects: the `id` of the last event it received. Events after it (within SSE_RESUME_WINDOW_SECONDS) are replayed first; an older or unknown id gets a `reset` event instead.',
  schema: { type: 'string', pattern: '^[0-9]{1,18}$', example: '48213' },
} as const;

const ARTICLE_STREAM = `retry: 3412

event: count
data: {"slug":"zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia","count":12}

id: 48214
event: comment
data: {"id":"0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10","body":"Много добра статия.","author":{"id":"5e0c2f7e-1b9d-4d0a-8c3e-6f1a2b3c4d5e","username":"ivan_petrov","badge":null},"status":"approved","deleted":false,"parentId":null,"rootId":null,"depth":0,"createdAt":"2026-12-01T09:30:00.000Z","editedAt":null,"reactions":{},"featured":false}

id: 48215
event: count
data: {"slug":"zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia","count":13}

:

event: reactions
data: {"id":"0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10","reactions":{"like":3}}

id: 48230
event: comment-removed
data: {"id":"0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10"}
`;

const COUNTS_STREAM = `retry: 2870

event: count
data: {"slug":"zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia","count":12}

event: count
data: {"slug":"nyama-takava-statia","count":0}

id: 48215
event: count
data: {"slug":"zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia","count":13}
`;

/**
 * Live updates (Server-Sent Events; README "Live updates"): an article page or a listing page keeps one
 * EventSource open instead of polling the counts.
 */
@ApiTags('comments')
@Controller()
export class LiveController {
  constructor(private readonly streams: LiveStreamsService) {}

  @Public({ identify: false })
  @RateLimit(STREAM_LIMIT)
  @Get('articles/:slug/events')
  @ApiHeader(LAST_EVENT_ID)
  @Endpoint({
    operationId: 'streamArticleEvents',
    summary: "An article's live updates (Server-Sent Events)",
    description:
      'First the current `count` (no id), then, as they commit: `count` `{ slug, count }` when the approved count changes, `comment` (the public view of a comment that became visible, or was edited while visible) `comment-removed` `{ id }`, and `reactions` `{ id, reactions }` (the reaction counts of a comment, at most once a second per comment, without an id). A comment line (`:`) at least every SSE_HEARTBEAT_SECONDS. `reset` `{ reason }` means events may have been missed: reload the comments. Event ids are the domain event ids (resume with Last-Event-ID).',
    errors: ['ARTICLE_NOT_FOUND', 'TOO_MANY_STREAMS', 'STREAMS_AT_CAPACITY'],
    noStore: true,
    eventStream: {
      description: 'A `text/event-stream` that stays open: events `count`, `comment`, `comment-removed`, `reactions`, `reset`.',
      example: ARTICLE_STREAM,
    },
  })
  async article(
    @Param('slug') slug: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.streams.open(req, reply, 'article', [slug], lastEventId);
  }

  @Public({ identify: false })
  @RateLimit(STREAM_LIMIT)
  @Get('comments/counts/events')
  @ApiHeader(LAST_EVENT_ID)
  @Endpoint({
    operationId: 'streamCommentCounts',
    summary: 'Live comment counts of up to 100 articles (Server-Sent Events)',
    description:
      'For listing pages, with the slug rules of GET /api/comments/counts: first one `count` per requested slug (unknown slugs count 0 and never change), then `count` `{ slug, count }` whenever an approved count changes. A comment line at least every SSE_HEARTBEAT_SECONDS.',
    errors: ['TOO_MANY_STREAMS', 'STREAMS_AT_CAPACITY'],
    noStore: true,
    eventStream: { description: 'A `text/event-stream` that stays open: `count` events.', example: COUNTS_STREAM },
  })
  async counts(
    @Query() q: BulkCountsQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.streams.open(req, reply, 'counts', q.articles, lastEventId);
  }
}
