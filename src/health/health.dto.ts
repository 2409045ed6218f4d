import { ApiProperty } from '@nestjs/swagger';

export class DatabaseCheckDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status: 'up' | 'down';

  @ApiProperty({ example: 0.8 })
  latencyMs: number;
}

export class HealthChecksDto {
  @ApiProperty()
  database: DatabaseCheckDto;
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
