import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { PageOf } from '../../common/openapi/page.dto.js';
import { UserRefDto } from '../../users/dto/user.dto.js';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events.js';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatusValue } from './webhook.dto.js';

const WEBHOOK_ID = 'c4a1f0de-2b7e-4f6a-9d3c-8e5b1a2f7c90';
const DELIVERY_ID = '6e2d9b1c-3f4a-4e8d-a7b6-5c1f0e9d2a38';
const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw8pM6u3Yh1xk=';

export class WebhookDto {
  @ApiProperty({ format: 'uuid', example: WEBHOOK_ID })
  id: string;

  @ApiProperty({ example: 'https://www.example.bg/hooks/comments' })
  url: string;

  @ApiProperty({ type: String, nullable: true, example: 'Изчистване на кеша на CDN за страниците на статиите' })
  description: string | null;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['comment.approved', 'article.comment_count.changed'] })
  events: string[];

  @ApiProperty({
    description: 'false: deliveries are paused (by an admin, or automatically after failing for the whole retry window)',
    example: true,
  })
  enabled: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  disabledAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'why it was disabled', example: null })
  disabledReason: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'the last successful delivery (or test ping)',
    example: '2026-11-28T09:30:02.000Z',
  })
  lastSuccessAt: string | null;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'the admin who created it' })
  createdBy: UserRefDto | null;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  updatedAt: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    description: 'the signing secret (Standard Webhooks): shown only in this answer; store it with the receiver',
    example: SECRET_EXAMPLE,
  })
  secret: string;
}

export class UpdatedWebhookDto extends WebhookDto {
  @ApiPropertyOptional({
    description: 'the new signing secret, only when rotateSecret was true: shown only in this answer',
    example: SECRET_EXAMPLE,
  })
  secret?: string;
}

export class WebhookResponse {
  @ApiProperty()
  webhook: WebhookDto;
}

export class CreatedWebhookResponse {
  @ApiProperty()
  webhook: CreatedWebhookDto;
}

export class UpdatedWebhookResponse {
  @ApiProperty()
  webhook: UpdatedWebhookDto;
}

export const WebhookPage = PageOf(WebhookDto, 'WebhookPage');

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', example: DELIVERY_ID })
  id: string;

  @ApiProperty({ format: 'uuid', example: WEBHOOK_ID })
  webhookId: string;

  @ApiProperty({
    description: 'the `webhook-id` header: the same on every attempt (de-duplicate on it)',
    example: 'msg_2f9c4b7d1e8a4c36b0d5e7f1a2c3b4d5',
  })
  messageId: string;

  @ApiProperty({ description: `one of ${WEBHOOK_EVENT_TYPES.join(', ')}, or webhook.test`, example: 'comment.approved' })
  eventType: string;

  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES, example: 'succeeded' })
  status: WebhookDeliveryStatusValue;

  @ApiProperty({ description: 'attempts made so far', example: 1 })
  attempts: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'pending only: when the next attempt is due',
    example: null,
  })
  nextAttemptAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-28T09:30:02.000Z' })
  lastAttemptAt: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'the HTTP status the receiver answered the last attempt with', example: 200 })
  lastResponseCode: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'why the last attempt failed (network error, timeout, refused target, HTTP status)',
    example: null,
  })
  lastError: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'how long the last attempt took, in ms', example: 84 })
  lastDurationMs: number | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T09:30:01.870Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-28T09:30:02.000Z' })
  completedAt: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the body sent: `{ type, timestamp, data }`',
    example: {
      type: 'comment.approved',
      timestamp: '2026-11-28T09:30:01.870Z',
      data: { comment: { id: EXAMPLE.commentId, status: 'approved' }, article: { id: EXAMPLE.articleId, slug: EXAMPLE.slug } },
    },
  })
  payload: Record<string, unknown>;
}

export class WebhookDeliveryResponse {
  @ApiProperty()
  delivery: WebhookDeliveryDto;
}

export const WebhookDeliveryPage = PageOf(WebhookDeliveryDto, 'WebhookDeliveryPage');
