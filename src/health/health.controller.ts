import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators.js';
import { PrismaService } from '../prisma/prisma.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  /** Readiness: the process is up and the database answers. 503 while the database is unreachable. */
  @Public()
  @Get()
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
      });
  }

  /** Liveness: the process is running (no dependencies checked). */
  @Public()
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}
