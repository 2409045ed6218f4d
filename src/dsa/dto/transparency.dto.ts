import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';

export class PeriodQueryDto {
  @ApiProperty({ format: 'date-time', description: 'start of the period (inclusive)', example: '2026-01-01T00:00:00.000Z' })
  @IsISO8601({ strict: true })
  from: string;

  @ApiProperty({ format: 'date-time', description: 'end of the period (exclusive)', example: '2027-01-01T00:00:00.000Z' })
  @IsISO8601({ strict: true })
  to: string;
}

const counts = (description: string, example: Record<string, number>) => ({
  type: 'object' as const,
  additionalProperties: { type: 'integer' as const, minimum: 0 },
  description: `${description}; every value of the vocabulary is present (0 when none)`,
  example,
});

export class PeriodDto {
  @ApiProperty({ format: 'date-time', example: '2026-01-01T00:00:00.000Z' })
  from: string;

  @ApiProperty({ format: 'date-time', example: '2027-01-01T00:00:00.000Z' })
  to: string;
}

export class NoticeFiguresDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'notices received in the period (Art. 15(1)(b))', example: 42 })
  received: number;

  @ApiProperty(
    counts('notices received, by the category alleged (Transparency Database categories)', {
      STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH: 30,
      STATEMENT_CATEGORY_SCAMS_AND_FRAUD: 12,
    }),
  )
  receivedByCategory: Record<string, number>;

  @ApiProperty(counts('notices decided in the period, by outcome', { action_taken: 25, no_action: 14, content_unavailable: 1 }))
  decidedByOutcome: Record<string, number>;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'of those decided: found manifestly unfounded', example: 2 })
  manifestlyUnfounded: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'notices processed by automated means (none: moderators decide every notice)',
    example: 0,
  })
  processedByAutomatedMeans: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'median seconds from receipt to decision, over the notices decided in the period',
    example: 5400,
  })
  medianSecondsToDecision: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'received in the period and not decided by its end', example: 2 })
  openAtEnd: number;
}

export class DecisionFiguresDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'statements of reasons issued in the period (restrictions, Art. 15(1)(c), 24(1))',
    example: 120,
  })
  total: number;

  @ApiProperty(counts('by decision_ground', { DECISION_GROUND_ILLEGAL_CONTENT: 20, DECISION_GROUND_INCOMPATIBLE_CONTENT: 100 }))
  byGround: Record<string, number>;

  @ApiProperty(
    counts('by restriction: decision_visibility, decision_account and decision_provision values', {
      DECISION_VISIBILITY_CONTENT_REMOVED: 115,
      DECISION_ACCOUNT_SUSPENDED: 5,
    }),
  )
  byRestriction: Record<string, number>;

  @ApiProperty(counts('by category', { STATEMENT_CATEGORY_OTHER_VIOLATION_TC: 80 }))
  byCategory: Record<string, number>;

  @ApiProperty(counts('by source_type (after a notice, or own initiative)', { SOURCE_ARTICLE_16: 25, SOURCE_VOLUNTARY: 95 }))
  bySource: Record<string, number>;

  @ApiProperty(counts('by automated_detection', { Yes: 30, No: 90 }))
  byAutomatedDetection: Record<string, number>;

  @ApiProperty(
    counts('by automated_decision', {
      AUTOMATED_DECISION_FULLY: 28,
      AUTOMATED_DECISION_PARTIALLY: 1,
      AUTOMATED_DECISION_NOT_AUTOMATED: 91,
    }),
  )
  byAutomatedDecision: Record<string, number>;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'of those: since lifted (appeal or later decision)', example: 6 })
  reversed: number;
}

export class AppealFiguresDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'appeals received in the period (Art. 15(1)(d))', example: 9 })
  received: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'decided in the period: the decision stands', example: 4 })
  upheld: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'decided in the period: the decision was reversed', example: 3 })
  reversed: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'median seconds from appeal to decision, over the appeals decided in the period',
    example: 86400,
  })
  medianSecondsToDecision: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'received in the period and not decided by its end', example: 2 })
  openAtEnd: number;
}

export class MisuseFiguresDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'prior warnings to authors (Art. 23(1))', example: 2 })
  authorWarnings: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'accounts suspended for manifestly illegal content (Art. 24(1)(b))',
    example: 1,
  })
  authorSuspensions: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'prior warnings to notifiers (Art. 23(2))', example: 1 })
  notifierWarnings: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'notifiers whose notices were put on hold (Art. 24(1)(b))', example: 0 })
  notifierHolds: number;
}

export class TransparencyReportDto {
  @ApiProperty()
  period: PeriodDto;

  @ApiProperty()
  notices: NoticeFiguresDto;

  @ApiProperty()
  decisions: DecisionFiguresDto;

  @ApiProperty()
  appeals: AppealFiguresDto;

  @ApiProperty()
  misuse: MisuseFiguresDto;
}
