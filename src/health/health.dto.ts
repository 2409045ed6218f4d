import { ApiProperty } from '@nestjs/swagger';

export class DatabaseCheckDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status: 'up' | 'down';

  @ApiProperty({ example: 0.8 })
  latencyMs: number;
}

export class RedisCheckDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status: 'up' | 'down';

  @ApiProperty({ required: false, example: 0.4, description: 'PING round trip; absent while Redis does not answer' })
  latencyMs?: number;
}

export class RateLimitsCheckDto {
  @ApiProperty({ enum: ['redis', 'memory'], example: 'redis', description: '`redis` with REDIS_URL, else `memory` (one process)' })
  store: 'redis' | 'memory';

  @ApiProperty({
    example: true,
    description: 'Whether every instance counts in the same buckets right now (false: per instance, e.g. while Redis is away)',
  })
  shared: boolean;

  @ApiProperty({
    required: false,
    format: 'date-time',
    example: '2026-12-01T09:30:00.000Z',
    description: 'While Redis is not answering: since when the limits are counted in memory, per instance',
  })
  fallbackSince?: string;

  @ApiProperty({ required: false, type: RedisCheckDto, description: 'With REDIS_URL only' })
  redis?: RedisCheckDto;
}

export class LiveUpdatesCheckDto {
  @ApiProperty({
    enum: ['up', 'down'],
    example: 'up',
    description: "This instance's LISTEN connection for domain events (down: reconnecting; streams pause and catch up)",
  })
  status: 'up' | 'down';

  @ApiProperty({ type: 'integer', example: 412, description: 'Live-update streams open on this instance' })
  streams: number;
}

export class MailCheckDto {
  @ApiProperty({
    enum: ['on', 'development', 'off'],
    example: 'on',
    description:
      '`on`: sent through SMTP_URL; `development`: written to MAIL_DEV_DIR (no SMTP_URL, NODE_ENV=development); `off`: no SMTP_URL, nothing is sent',
  })
  status: 'on' | 'development' | 'off';

  @ApiProperty({
    type: 'integer',
    required: false,
    example: 0,
    description: 'Mails waiting in the outbox (due or retrying); absent while mail is off',
  })
  pending?: number;

  @ApiProperty({
    type: 'integer',
    required: false,
    example: 0,
    description: 'Mails given up in the last 24 hours (refused for good, or out of attempts); absent while mail is off',
  })
  failedLastDay?: number;
}

export class HealthChecksDto {
  @ApiProperty()
  database: DatabaseCheckDto;

  @ApiProperty({
    description: 'Informational: the service answers without Redis (limits then hold per instance), so this never makes it unavailable',
    example: { store: 'redis', shared: true, redis: { status: 'up', latencyMs: 0.4 } },
  })
  rateLimits: RateLimitsCheckDto;

  @ApiProperty({ description: 'Informational, like rateLimits' })
  liveUpdates: LiveUpdatesCheckDto;

  @ApiProperty({ description: 'Informational: e-mail notifications (docs/mail.md)' })
  mail: MailCheckDto;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable'], example: 'ok' })
  status: 'ok' | 'unavailable';

  @ApiProperty()
  checks: HealthChecksDto;

  @ApiProperty({ type: 'integer', example: 86400 })
  uptimeSeconds: number;
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';
}
