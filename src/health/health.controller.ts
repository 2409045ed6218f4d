import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimitBackend } from '../common/rate-limit/rate-limit.backend.js';
import { DomainEventListener } from '../events/domain-event-listener.js';
import { LiveStreamsService } from '../live/live-streams.service.js';
import { MailSettings } from '../mail/mail-settings.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { HealthDto, LivenessDto, type MailCheckDto, type RateLimitsCheckDto } from './health.dto.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly rateLimits: RateLimitBackend,
    private readonly listener: DomainEventListener,
    private readonly streams: LiveStreamsService,
    private readonly mail: MailSettings,
  ) {}

  /**
   * Readiness: the process is up and the database answers. 503 while the database is unreachable. Redis (shared
   * rate limits) is reported but never makes the service unready: without it limits hold per instance.
   */
  @Public()
  @Get()
  @Endpoint({ operationId: 'getReadiness', summary: 'Readiness: the service and its database answer', type: HealthDto, noStore: true })
  @ApiResponse({ status: 503, description: 'The database does not answer', type: HealthDto })
  async check(@Res() reply: FastifyReply): Promise<void> {
    const started = performance.now();
    let database: 'up' | 'down' = 'up';
    try {
      await this.prisma.pool.query('SELECT 1');
    } catch {
      database = 'down';
    }
    const databaseMs = Math.round((performance.now() - started) * 10) / 10;
    const ok = database === 'up';
    void reply
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .header('cache-control', 'no-store')
      .send({
        status: ok ? 'ok' : 'unavailable',
        checks: {
          database: { status: database, latencyMs: databaseMs },
          rateLimits: await this.rateLimitsCheck(),
          liveUpdates: { status: this.listener.listening ? 'up' : 'down', streams: this.streams.size },
          mail: await this.mailCheck(ok),
        },
        uptimeSeconds: Math.round(process.uptime()),
      } satisfies HealthDto);
  }

  private async mailCheck(database: boolean): Promise<MailCheckDto> {
    const status = this.mail.mode === 'smtp' ? 'on' : this.mail.mode === 'folder' ? 'development' : 'off';
    if (status === 'off' || !database) return { status };
    try {
      const { rows } = await this.prisma.pool.query<{ pending: number; failed: number }>(
        `SELECT (SELECT count(*)::int FROM mail_outbox WHERE status = 'pending') AS pending,
                (SELECT count(*)::int FROM mail_outbox WHERE status = 'failed' AND completed_at > now() - interval '1 day') AS failed`,
      );
      return { status, pending: rows[0]?.pending ?? 0, failedLastDay: rows[0]?.failed ?? 0 };
    } catch {
      return { status };
    }
  }

  private async rateLimitsCheck(): Promise<RateLimitsCheckDto> {
    const status = this.rateLimits.status();
    if (status.store === 'memory') return status;
    try {
      return { ...status, redis: { status: 'up', latencyMs: (await this.rateLimits.ping()) ?? 0 } };
    } catch {
      return { ...status, redis: { status: 'down' } };
    }
  }

  /** Liveness: the process is running (no dependencies checked). */
  @Public()
  @Get('live')
  @Endpoint({ operationId: 'getLiveness', summary: 'Liveness: the process runs', type: LivenessDto, noStore: true, noDatabase: true })
  live(): LivenessDto {
    return { status: 'ok' };
  }
}
