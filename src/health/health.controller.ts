import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { HealthDto, LivenessDto } from './health.dto.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  /** Readiness: the process is up and the database answers. 503 while the database is unreachable. */
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
    const ok = database === 'up';
    void reply
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .header('cache-control', 'no-store')
      .send({
        status: ok ? 'ok' : 'unavailable',
        checks: { database: { status: database, latencyMs: Math.round((performance.now() - started) * 10) / 10 } },
        uptimeSeconds: Math.round(process.uptime()),
      } satisfies HealthDto);
  }

  /** Liveness: the process is running (no dependencies checked). */
  @Public()
  @Get('live')
  @Endpoint({ operationId: 'getLiveness', summary: 'Liveness: the process runs', type: LivenessDto, noStore: true, noDatabase: true })
  live(): LivenessDto {
    return { status: 'ok' };
  }
}
