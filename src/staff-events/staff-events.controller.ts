import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { ConsoleCountsDto } from './staff-events.dto.js';
import { StaffEventsService } from './staff-events.service.js';

const STREAM_LIMIT = { name: 'staff-events', limit: 60, windowSeconds: 60, per: 'user' } as const;

const EXAMPLE_STREAM = `retry: 3412

event: counts
data: {"pending":7,"reportedOpen":2,"flagged":1,"noticed":0,"appeals":1}

event: comment
data: {"id":"0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10","event":"comment.created","article":{"id":"5f0c6a7e-3b1d-4e8a-9c2f-7d4e1a2b3c4d","slug":"zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia"},"fromStatus":null,"toStatus":"pending","current":{"status":"pending","version":1,"deleted":false,"action":null,"decidedAt":null,"decidedBy":null}}

event: counts
data: {"pending":8,"reportedOpen":2,"flagged":1,"noticed":0,"appeals":1}

:

event: comment
data: {"id":"0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10","event":"comment.approved","article":{"id":"5f0c6a7e-3b1d-4e8a-9c2f-7d4e1a2b3c4d","slug":"zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia"},"fromStatus":"pending","toStatus":"approved","current":{"status":"approved","version":2,"deleted":false,"action":"approve","decidedAt":"2026-11-28T09:30:02.000Z","decidedBy":{"id":"9a1b2c3d-4e5f-4a6b-8c7d-e8f9a0b1c2d3","username":"redaktor_maria"}}}

event: revoked
data: {"reason":"role"}
`;

/** The moderation console's live feed (docs/console.md, "The staff event stream"). */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin')
export class StaffEventsController {
  constructor(private readonly events: StaffEventsService) {}

  @RateLimit(STREAM_LIMIT)
  @Get('events')
  @Endpoint({
    operationId: 'streamStaffEvents',
    summary: 'The staff event stream (Server-Sent Events)',
    description:
      'For the moderation console and newsroom tools. Read it with `fetch` and the `Authorization` header (EventSource cannot send one; never put a token in a URL). ' +
      'First `counts` (ConsoleCounts), then as changes commit: `comment` `{ id, event, article, fromStatus, toStatus, current }` for every comment change (`event` is the domain event type; `current` is the comment now with who changed it last, as in a 409 VERSION_CONFLICT), ' +
      '`counts` whenever the queue counts change (read again on every change and every 10 s: reports, notices and appeals have no domain event), and `revoked` `{ reason: banned | role | deleted }` before the stream ends when the member of staff may no longer moderate (checked every 2 s and on every ban). ' +
      'A comment line (`:`) at least every SSE_HEARTBEAT_SECONDS. No resume: after a reconnect the counts come again; reload what is shown.',
    errors: ['TOO_MANY_STREAMS'],
    noStore: true,
    eventStream: { description: 'A `text/event-stream` that stays open: events `counts`, `comment`, `revoked`.', example: EXAMPLE_STREAM },
  })
  async stream(@CurrentUser() user: AuthUser, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.events.open(req, reply, user);
  }

  @Get('queue/counts')
  @Endpoint({
    operationId: 'getConsoleCounts',
    summary: "The console's queue counts",
    description: 'What the staff event stream sends as `counts`, for a client that polls instead.',
    type: ConsoleCountsDto,
  })
  counts(): Promise<ConsoleCountsDto> {
    return this.events.counts();
  }
}
