import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsOptional } from '../common/validation/is-optional.decorator.js';
import { StatementFieldsDto } from '../dsa/dto/statement-fields.dto.js';

/** The decisions a reason can be offered for. */
export const REASON_KINDS = ['reject', 'spam', 'ban'] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateDecisionReasonDto {
  @ApiProperty({ description: "what moderators pick; recorded as the decision's reason", example: 'Лична нападка' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  label: string;

  @ApiPropertyOptional({ description: 'when to use it (shown to moderators)', example: 'Обиди или подигравки към друг читател или автор.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  description?: string;

  @ApiProperty({ enum: REASON_KINDS, isArray: true, description: 'the decisions that offer it', example: ['reject'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(REASON_KINDS, { each: true })
  appliesTo: ReasonKind[];

  @ApiProperty({
    type: StatementFieldsDto,
    description:
      'the statement-of-reasons fields a decision with this reason gets (DSA Art. 17); fields a moderator sends with the decision win, fields left out get their defaults',
  })
  @ValidateNested()
  @Type(() => StatementFieldsDto)
  statement: StatementFieldsDto;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 10000,
    default: 0,
    description: 'lists are sorted by position, then label',
    example: 10,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  position?: number;
}

/** Every field optional (our IsOptional: `null` is refused, not "unset"). */
export class UpdateDecisionReasonDto {
  @ApiPropertyOptional({ example: 'Лична нападка' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  label?: string;

  @ApiPropertyOptional({ example: 'Обиди или подигравки към друг читател или автор.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ enum: REASON_KINDS, isArray: true, example: ['reject', 'spam'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(REASON_KINDS, { each: true })
  appliesTo?: ReasonKind[];

  @ApiPropertyOptional({ type: StatementFieldsDto, description: 'replaces the stored fields as a whole' })
  @IsOptional()
  @ValidateNested()
  @Type(() => StatementFieldsDto)
  statement?: StatementFieldsDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10000, example: 20 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  position?: number;
}

export class DecisionReasonDto {
  @ApiProperty({ format: 'uuid', example: '4b1f6c2e-8a3d-4e5f-9b7c-1d2e3f4a5b6c' })
  id: string;

  @ApiProperty({ example: 'Лична нападка' })
  label: string;

  @ApiProperty({ type: String, nullable: true, example: 'Обиди или подигравки към друг читател или автор.' })
  description: string | null;

  @ApiProperty({ enum: REASON_KINDS, isArray: true, example: ['reject'] })
  appliesTo: ReasonKind[];

  @ApiProperty({ type: StatementFieldsDto })
  statement: StatementFieldsDto;

  @ApiProperty({ type: 'integer', example: 10 })
  position: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T09:12:45.120Z' })
  updatedAt: string;
}

export class DecisionReasonResponse {
  @ApiProperty()
  reason: DecisionReasonDto;
}

export class DecisionReasonListDto {
  @ApiProperty({ type: [DecisionReasonDto], description: 'every reason, by position then label (at most 200)' })
  items: DecisionReasonDto[];
}
