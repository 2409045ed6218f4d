import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import type { Page } from '../common/openapi/page.dto.js';
import { PageQueryDto } from '../common/pagination.js';
import {
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryListQueryDto,
  WebhookDeliveryParamDto,
  WebhookIdParamDto,
} from './dto/webhook.dto.js';
import {
  CreatedWebhookResponse,
  UpdatedWebhookResponse,
  type WebhookDeliveryDto,
  WebhookDeliveryPage,
  WebhookDeliveryResponse,
  type WebhookDto,
  WebhookPage,
  WebhookResponse,
} from './dto/webhook-response.dto.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhooksService } from './webhooks.service.js';

const OFF = 'WEBHOOKS_NOT_CONFIGURED' as const;

/**
 * Webhook endpoints and their deliveries. Admins only: an endpoint receives comment data and makes this server
 * send requests, and its secret is shown to whoever creates it.
 */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly deliveryLog: WebhookDeliveriesService,
  ) {}

  @Post()
  @Endpoint({
    operationId: 'createWebhook',
    summary: 'Add a webhook endpoint (its signing secret is shown once)',
    description:
      'The URL must be http(s), without credentials, and resolve to public addresses only (checked now and before every delivery). ' +
      'Messages are signed per Standard Webhooks with the returned `whsec_…` secret, which is never shown again.',
    status: 201,
    type: CreatedWebhookResponse,
    errors: ['INVALID_WEBHOOK_URL', 'WEBHOOK_TARGET_NOT_ALLOWED', OFF],
    location: (body: CreatedWebhookResponse) => `/api/admin/webhooks/${body.webhook.id}`,
  })
  async create(@Body() dto: CreateWebhookDto, @CurrentUser() user: AuthUser): Promise<CreatedWebhookResponse> {
    return { webhook: await this.webhooks.create(user.id, dto) };
  }

  @Get()
  @Endpoint({ operationId: 'listWebhooks', summary: 'Webhook endpoints, newest first', type: WebhookPage, errors: [OFF] })
  list(@Query() q: PageQueryDto): Promise<Page<WebhookDto>> {
    return this.webhooks.list(q);
  }

  @Get(':webhookId')
  @Endpoint({ operationId: 'getWebhook', summary: 'One webhook endpoint', type: WebhookResponse, errors: ['WEBHOOK_NOT_FOUND', OFF] })
  async get(@Param() { webhookId }: WebhookIdParamDto): Promise<WebhookResponse> {
    return { webhook: await this.webhooks.get(webhookId) };
  }

  @Patch(':webhookId')
  @Endpoint({
    operationId: 'updateWebhook',
    summary: 'Change, pause, resume a webhook endpoint or rotate its secret',
    type: UpdatedWebhookResponse,
    errors: ['WEBHOOK_NOT_FOUND', 'INVALID_WEBHOOK_URL', 'WEBHOOK_TARGET_NOT_ALLOWED', OFF],
  })
  async update(
    @Param() { webhookId }: WebhookIdParamDto,
    @Body() dto: UpdateWebhookDto,
    @CurrentUser() user: AuthUser,
  ): Promise<UpdatedWebhookResponse> {
    return { webhook: await this.webhooks.update(user.id, webhookId, dto) };
  }

  @Delete(':webhookId')
  @Endpoint({
    operationId: 'deleteWebhook',
    summary: 'Remove a webhook endpoint and its deliveries',
    status: 204,
    errors: ['WEBHOOK_NOT_FOUND', OFF],
  })
  async remove(@Param() { webhookId }: WebhookIdParamDto, @CurrentUser() user: AuthUser): Promise<void> {
    await this.webhooks.remove(user.id, webhookId);
  }

  @Get(':webhookId/deliveries')
  @Endpoint({
    operationId: 'listWebhookDeliveries',
    summary: "An endpoint's deliveries, newest first: status, attempts, last response, next attempt",
    type: WebhookDeliveryPage,
    errors: ['WEBHOOK_NOT_FOUND', OFF],
  })
  deliveries(@Param() { webhookId }: WebhookIdParamDto, @Query() q: WebhookDeliveryListQueryDto): Promise<Page<WebhookDeliveryDto>> {
    return this.deliveryLog.deliveries(webhookId, q);
  }

  @Get(':webhookId/deliveries/:deliveryId')
  @Endpoint({
    operationId: 'getWebhookDelivery',
    summary: 'One delivery',
    type: WebhookDeliveryResponse,
    errors: ['WEBHOOK_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND', OFF],
  })
  async delivery(@Param() { webhookId, deliveryId }: WebhookDeliveryParamDto): Promise<WebhookDeliveryResponse> {
    return { delivery: await this.deliveryLog.delivery(webhookId, deliveryId) };
  }

  @Post(':webhookId/deliveries/:deliveryId/retry')
  @Endpoint({
    operationId: 'retryWebhookDelivery',
    summary: 'Send a succeeded or failed delivery again (same webhook-id), now',
    description:
      'Queues the same message again with a fresh retry schedule; the worker sends it within moments. The answer is the queued delivery.',
    type: WebhookDeliveryResponse,
    errors: ['WEBHOOK_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND', 'WEBHOOK_DELIVERY_PENDING', 'WEBHOOK_DISABLED', OFF],
  })
  async retry(
    @Param() { webhookId, deliveryId }: WebhookDeliveryParamDto,
    @CurrentUser() user: AuthUser,
  ): Promise<WebhookDeliveryResponse> {
    return { delivery: await this.deliveryLog.retry(user.id, webhookId, deliveryId) };
  }

  @Post(':webhookId/test')
  @Endpoint({
    operationId: 'testWebhook',
    summary: 'Send a signed test message (webhook.test) now and answer with the result',
    description:
      'One attempt (up to WEBHOOK_TIMEOUT_MS), no retries; also for a disabled endpoint. The result is the delivery, recorded in the list.',
    status: 201,
    type: WebhookDeliveryResponse,
    errors: ['WEBHOOK_NOT_FOUND', OFF],
    location: (body: WebhookDeliveryResponse) => `/api/admin/webhooks/${body.delivery.webhookId}/deliveries/${body.delivery.id}`,
  })
  async test(@Param() { webhookId }: WebhookIdParamDto, @CurrentUser() user: AuthUser): Promise<WebhookDeliveryResponse> {
    return { delivery: await this.deliveryLog.test(user.id, webhookId) };
  }
}
