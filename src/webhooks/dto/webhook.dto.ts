import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UuidParams } from '../../common/validation/id-param.dto.js';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { PageQueryDto } from '../../common/pagination.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhook-events.js';
import { MAX_WEBHOOK_URL_LENGTH } from '../../common/outbound/target-guard.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const URL_DOC = {
  description:
    'where to POST: http(s) only, no credentials, no fragment; must resolve to public addresses (unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true)',
  example: 'https://www.example.bg/hooks/comments',
  maxLength: MAX_WEBHOOK_URL_LENGTH,
};
const EVENTS_DOC = { enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['comment.approved', 'article.comment_count.changed'] };
const DESCRIPTION_DOC = {
  description: 'for the admins: what this endpoint is for',
  example: 'Изчистване на кеша на CDN за страниците на статиите',
};

export class CreateWebhookDto {
  @ApiProperty(URL_DOC)
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url: string;

  @ApiProperty({ ...EVENTS_DOC, description: 'the event types to receive (at least one)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events: WebhookEventType[];

  @ApiPropertyOptional(DESCRIPTION_DOC)
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional(URL_DOC)
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ ...EVENTS_DOC, description: 'replaces the subscribed event types (at least one)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ ...DESCRIPTION_DOC, description: 'for the admins; an empty string removes it' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    description:
      'false pauses deliveries (queued ones wait); true resumes an endpoint (also one disabled for failing): its queued deliveries are due at once, with a fresh retry schedule',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    description: 'true: a new signing secret replaces the old one at once; the answer shows it, once',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  rotateSecret?: boolean;
}

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatusValue = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export class WebhookDeliveryListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: WebhookDeliveryStatusValue;
}

export class WebhookIdParamDto extends UuidParams('webhookId') {}

export class WebhookDeliveryParamDto extends UuidParams('webhookId', 'deliveryId') {}
