import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from '../common/validation/is-optional.decorator.js';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  EMAIL_DOMAIN_ACTIONS,
  type EmailDomainAction,
  HISTORY_ACTIONS,
  type HistoryAction,
  LINK_SCOPES,
  type LinkScope,
} from './triage-rules.js';

const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,}|xn--[a-z0-9-]+)$/;

export class NewAccountRulesDto {
  @ApiProperty({ description: 'an account is new until it has this many approved comments', minimum: 0, maximum: 1000, example: 3 })
  @IsInt()
  @Min(0)
  @Max(1000)
  approvedBelow: number;

  @ApiProperty({
    description: 'hold the first this-many comments of a new account for a moderator (0: off)',
    minimum: 0,
    maximum: 100,
    example: 0,
  })
  @IsInt()
  @Min(0)
  @Max(100)
  holdFirstComments: number;

  @ApiProperty({ description: 'hold the comments of accounts younger than this many days (0: off)', minimum: 0, maximum: 365, example: 0 })
  @IsInt()
  @Min(0)
  @Max(365)
  holdYoungerThanDays: number;
}

export class LinkRulesDto {
  @ApiProperty({
    enum: LINK_SCOPES,
    description: 'whose comments with links wait for a moderator: nobody, new accounts (see `newAccounts.approvedBelow`) or everyone',
    example: 'new_accounts',
  })
  @IsIn(LINK_SCOPES)
  hold: LinkScope;

  @ApiProperty({ description: 'links a comment may carry before it is held (0: any link holds it)', minimum: 0, maximum: 50, example: 0 })
  @IsInt()
  @Min(0)
  @Max(50)
  maxLinks: number;

  @ApiProperty({
    type: [String],
    description:
      "domains whose links never count (subdomains included; internationalised names as xn--…); the article's own site never counts either",
    maxItems: 200,
    example: ['bta.bg', 'parliament.bg'],
  })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value,
  )
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @Matches(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,}|xn--[a-z0-9-]+)$/, {
    each: true,
    message: 'each of allowedDomains must be a domain name such as example.bg (an internationalised one as xn--…)',
  })
  allowedDomains: string[];
}

export class HistoryRulesDto {
  @ApiProperty({
    enum: HISTORY_ACTIONS,
    description:
      'what an author whose recent comments were mostly rejected gets: nothing, a hold, or a refusal (with a statement of reasons)',
    example: 'hold',
  })
  @IsIn(HISTORY_ACTIONS)
  action: HistoryAction;

  @ApiProperty({ description: "the author's last decided comments looked at", minimum: 1, maximum: 50, example: 10 })
  @IsInt()
  @Min(1)
  @Max(50)
  lastComments: number;

  @ApiProperty({ description: 'at least this many decided comments before the rule judges', minimum: 1, maximum: 50, example: 3 })
  @IsInt()
  @Min(1)
  @Max(50)
  minDecided: number;

  @ApiProperty({
    description: 'the share of them rejected or removed as spam, in per cent, from which the rule acts',
    minimum: 1,
    maximum: 100,
    example: 50,
  })
  @IsInt()
  @Min(1)
  @Max(100)
  rejectedPercent: number;
}

export class SkipRulesDto {
  @ApiProperty({ description: 'moderators and admins skip every rule', example: true })
  @IsBoolean()
  staff: boolean;

  @ApiProperty({ description: "authors the article's trusted bypass lets through skip every rule", example: true })
  @IsBoolean()
  trusted: boolean;
}

const lowerCased = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value;

export class EmailDomainRulesDto {
  @ApiProperty({
    enum: EMAIL_DOMAIN_ACTIONS,
    description:
      'accounts whose e-mail is on a disposable domain: nothing; their comments held; or also registration refused (400 EMAIL_DOMAIN_REFUSED). Accounts without an e-mail (some SSO accounts) are judged by the other rules; a publisher sign-in is never refused',
    example: 'hold',
  })
  @IsIn(EMAIL_DOMAIN_ACTIONS)
  action: EmailDomainAction;

  @ApiProperty({
    type: [String],
    description:
      'domains treated as disposable too, on top of the list in use (shipped, or DISPOSABLE_EMAIL_DOMAINS_FILE); subdomains included',
    maxItems: 500,
    example: ['throwaway.example'],
  })
  @Transform(lowerCased)
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @Matches(DOMAIN, { each: true, message: 'each of blocked must be a domain name such as example.bg' })
  blocked: string[];

  @ApiProperty({
    type: [String],
    description: 'domains never treated as disposable, whatever the list says',
    maxItems: 500,
    example: [],
  })
  @Transform(lowerCased)
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @Matches(DOMAIN, { each: true, message: 'each of allowed must be a domain name such as example.bg' })
  allowed: string[];
}

/**
 * An article's overrides of the triage rules (PATCH /api/admin/articles/:slug `triage`): each section given replaces
 * the newsroom's section on this article; `{}` removes every override.
 */
export class TriageOverridesDto {
  @ApiPropertyOptional({ type: NewAccountRulesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NewAccountRulesDto)
  newAccounts?: NewAccountRulesDto;

  @ApiPropertyOptional({ type: LinkRulesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LinkRulesDto)
  links?: LinkRulesDto;

  @ApiPropertyOptional({ type: HistoryRulesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HistoryRulesDto)
  history?: HistoryRulesDto;

  @ApiPropertyOptional({ type: EmailDomainRulesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EmailDomainRulesDto)
  emailDomains?: EmailDomainRulesDto;

  @ApiPropertyOptional({ type: SkipRulesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SkipRulesDto)
  skip?: SkipRulesDto;
}

/** The whole rule set (PUT replaces it). */
export class TriageRulesDto {
  @ApiProperty({ type: NewAccountRulesDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => NewAccountRulesDto)
  newAccounts: NewAccountRulesDto;

  @ApiProperty({ type: LinkRulesDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => LinkRulesDto)
  links: LinkRulesDto;

  @ApiProperty({ type: HistoryRulesDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => HistoryRulesDto)
  history: HistoryRulesDto;

  @ApiPropertyOptional({ type: EmailDomainRulesDto, description: 'left out: the defaults (off)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EmailDomainRulesDto)
  emailDomains?: EmailDomainRulesDto;

  @ApiProperty({ type: SkipRulesDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SkipRulesDto)
  skip: SkipRulesDto;
}

export class TriageRulesViewDto extends TriageRulesDto {
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'when an admin last saved them (null: the defaults)',
    example: '2026-12-07T09:12:45.120Z',
  })
  updatedAt: string | null;
}

export class TriageRulesResponse {
  @ApiProperty({ type: TriageRulesViewDto })
  triageRules: TriageRulesViewDto;
}
