import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsISO8601, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { StatementFieldsDto } from '../../dsa/dto/statement-fields.dto.js';

export class BanDto {
  @ApiProperty({ example: 'Повтарящи се обиди към други читатели' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'ban end (must be in the future); omitted = until lifted',
    example: '2026-12-31T22:00:00.000Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ default: false, description: "also reject the user's pending comments" })
  @IsOptional()
  @IsBoolean()
  rejectPending?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "one of the newsroom's decision reasons (GET /api/admin/decision-reasons): its statement fields are the defaults of `statement`",
    example: '4b1f6c2e-8a3d-4e5f-9b7c-1d2e3f4a5b6c',
  })
  @IsOptional()
  @IsUUID()
  reasonId?: string;

  @ApiPropertyOptional({
    type: StatementFieldsDto,
    description:
      'the statement of reasons the user receives for the suspension of the account and for each rejected comment (DSA Art. 17); defaults from `reason`. `manifestlyIllegal` does not apply to a ban.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => StatementFieldsDto)
  statement?: StatementFieldsDto;
}
