import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsString, IsUrl, MaxLength } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { NormalizedText, TextLength } from '../../comment-core/comment-text.js';
import {
  DECISION_GROUNDS,
  type DecisionGround,
  KEYWORDS,
  type Keyword,
  STATEMENT_CATEGORIES,
  type StatementCategory,
  TDB_LIMITS,
} from '../transparency-database.js';

/** `categorySpecification`: up to 10 distinct Transparency Database keywords (notices and statements alike). */
export const CategorySpecification = () =>
  applyDecorators(IsOptional(), IsArray(), ArrayMaxSize(10), ArrayUnique(), IsIn(KEYWORDS, { each: true }));

/**
 * What a moderator says about a restricting decision (DSA Art. 17(3)): the fields of the Transparency Database's
 * statement of reasons, in camelCase, with its exact values. Every field is optional: what is left out comes from
 * the decision itself (its reason, the word filter, the notices on the comment; README "Legal duties").
 */
export class StatementFieldsDto {
  @ApiPropertyOptional({
    enum: DECISION_GROUNDS,
    description:
      "default: DECISION_GROUND_ILLEGAL_CONTENT when `illegalContentLegalGround` is given, else DECISION_GROUND_INCOMPATIBLE_CONTENT (the site's terms)",
    example: 'DECISION_GROUND_ILLEGAL_CONTENT',
  })
  @IsOptional()
  @IsIn(DECISION_GROUNDS)
  decisionGround?: DecisionGround;

  @ApiPropertyOptional({
    description: 'the law relied on; required with DECISION_GROUND_ILLEGAL_CONTENT',
    example: 'чл. 148, ал. 1 от Наказателния кодекс (обида)',
  })
  @IsOptional()
  @NormalizedText()
  @IsString()
  @TextLength(TDB_LIMITS.illegal_content_legal_ground)
  illegalContentLegalGround?: string;

  @ApiPropertyOptional({
    description: 'why the content is illegal on that ground; default: the reason, else the facts',
    example: 'Коментарът нарича конкретен читател с обидни думи.',
  })
  @IsOptional()
  @NormalizedText()
  @IsString()
  @TextLength(TDB_LIMITS.illegal_content_explanation)
  illegalContentExplanation?: string;

  @ApiPropertyOptional({
    description: 'the clause of the terms relied on; default: DSA_TERMS_GROUND',
    example: 'Правила за коментари, т. 3: без лични нападки',
  })
  @IsOptional()
  @NormalizedText()
  @IsString()
  @TextLength(TDB_LIMITS.incompatible_content_ground)
  incompatibleContentGround?: string;

  @ApiPropertyOptional({
    description: 'why the content breaks that clause; default: the reason, else the facts',
    example: 'Лична нападка срещу друг читател.',
  })
  @IsOptional()
  @NormalizedText()
  @IsString()
  @TextLength(TDB_LIMITS.incompatible_content_explanation)
  incompatibleContentExplanation?: string;

  @ApiPropertyOptional({ description: 'with the terms ground: the content is also considered illegal', example: false })
  @IsOptional()
  @IsBoolean()
  incompatibleContentIllegal?: boolean;

  @ApiPropertyOptional({
    description: 'link to the law or the terms relied on; default for a terms decision: DSA_TERMS_URL',
    example: 'https://www.example.bg/pravila-za-komentari',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(TDB_LIMITS.decision_ground_reference_url)
  decisionGroundReferenceUrl?: string;

  @ApiPropertyOptional({
    enum: STATEMENT_CATEGORIES,
    description: "default: the oldest open notice's category, else by the kind of decision",
    example: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  })
  @IsOptional()
  @IsIn(STATEMENT_CATEGORIES)
  category?: StatementCategory;

  @ApiPropertyOptional({ enum: KEYWORDS, isArray: true, description: 'keywords refining the category', example: ['KEYWORD_HATE_SPEECH'] })
  @CategorySpecification()
  categorySpecification?: Keyword[];

  @ApiPropertyOptional({
    description:
      'the facts and circumstances relied on; default: what was done and the reason. No personal data: the text is exported to the Transparency Database.',
    example: 'Коментар под статия, получен сигнал от читател; оценен от модератор.',
  })
  @IsOptional()
  @NormalizedText()
  @IsString()
  @TextLength(TDB_LIMITS.decision_facts)
  decisionFacts?: string;

  @ApiPropertyOptional({
    description:
      "the content is manifestly illegal (only with DECISION_GROUND_ILLEGAL_CONTENT): counts towards the author's suspension for misuse (DSA Art. 23)",
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  manifestlyIllegal?: boolean;
}
