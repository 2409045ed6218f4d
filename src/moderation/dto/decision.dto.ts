import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { INT4_MAX } from '../../common/validation/int-range.js';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { StatementFieldsDto } from '../../dsa/dto/statement-fields.dto.js';

export const DECISION_STATUSES = ['approved', 'rejected', 'spam'] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

export const BULK_MAX_IDS = 500;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class DecisionDto {
  @ApiProperty({ enum: DECISION_STATUSES, example: 'approved' })
  @IsIn(DECISION_STATUSES)
  status: DecisionStatus;

  @ApiPropertyOptional({ description: 'shown in the audit log and stored as the status reason', example: 'Лична обида' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({
    type: StatementFieldsDto,
    description:
      'rejected and spam only: the statement of reasons the author receives (DSA Art. 17), in the Transparency Database\'s terms; every field has a default from the decision (README "Legal duties")',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => StatementFieldsDto)
  statement?: StatementFieldsDto;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "one of the newsroom's decision reasons (GET /api/admin/decision-reasons): its label is the reason (unless `reason` is sent) and its statement fields are the defaults of `statement`",
    example: '4b1f6c2e-8a3d-4e5f-9b7c-1d2e3f4a5b6c',
  })
  @IsOptional()
  @IsUUID()
  reasonId?: string;

  @ApiPropertyOptional({ description: 'the version the moderator saw; a different current version answers 409 VERSION_CONFLICT' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version?: number;
}

/** The same decision (status, reason) applied to many comments at once. */
export class BulkDecisionDto extends PickType(DecisionDto, ['status', 'reason', 'statement', 'reasonId'] as const) {
  @ApiProperty({ type: [String], example: ['0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10', '7c2e9d41-5a6b-4f3c-8e1d-0a9b8c7d6e5f'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_MAX_IDS)
  @ArrayUnique({ message: 'ids must not repeat' })
  @IsUUID('all', { each: true })
  ids: string[];

  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    description:
      "the version each comment was read at, in the order of `ids` (same length): a comment changed since is skipped with `VERSION_CONFLICT`, so a bulk decision never overrides a colleague's",
    example: [1, 3],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(BULK_MAX_IDS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(INT4_MAX, { each: true })
  versions?: number[];
}
