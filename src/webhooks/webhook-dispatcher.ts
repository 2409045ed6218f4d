import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service.js';
import { retryDelayMs } from './retry-schedule.js';
import { WEBHOOK_TEST_EVENT } from './webhook-events.js';
import { type AttemptOutcome, type ClaimedDelivery, markFailed, markSucceeded, scheduleRetry } from './webhook-queue.js';
import { sendWebhook } from '../common/outbound/http-post.js';
import { signatureHeaders } from '../common/outbound/signature.js';
import { WebhookSettings } from './webhook-settings.js';
import { HostResolver } from '../common/outbound/target-guard.js';

export type AttemptResult = AttemptOutcome & { state: 'succeeded' | 'retrying' | 'failed' };

/**
 * One attempt of one claimed delivery: decrypt the endpoint's secret, sign (Standard Webhooks), send
 * (http-post.ts: SSRF guard, deadline, no redirects) and record the outcome: succeeded; failed for good after
 * the last attempt (which may disable the endpoint); or retried later with exponential backoff and jitter, never
 * sooner than the receiver's Retry-After (a test ping: one attempt only). Used by the worker and by the test ping. Never throws: a database error
 * while recording leaves the lease to run out, and the attempt is repeated (at-least-once).
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: WebhookSettings,
    private readonly resolver: HostResolver,
  ) {}

  async attempt(d: ClaimedDelivery): Promise<AttemptResult> {
    const outcome = await this.send(d);
    // A test ping is one attempt: the admin who sent it sees the result at once.
    const last = d.eventType === WEBHOOK_TEST_EVENT || d.attempts >= this.settings.schedule.maxAttempts;
    const state = outcome.ok ? 'succeeded' : last ? 'failed' : 'retrying';
    const log = {
      msg: '',
      deliveryId: d.id,
      webhookId: d.endpointId,
      messageId: d.messageId,
      type: d.eventType,
      attempt: d.attempts,
      status: outcome.status,
      error: outcome.error,
      ms: outcome.durationMs,
    };
    try {
      if (outcome.ok) {
        await markSucceeded(this.prisma.pool, d, outcome);
        this.logger.debug({ ...log, msg: 'webhook delivered' });
      } else if (last) {
        const { disabledEndpoint } = await markFailed(this.prisma.pool, d, outcome);
        this.logger.warn({ ...log, msg: 'webhook delivery failed for good' });
        if (disabledEndpoint)
          this.logger.warn({
            msg: 'webhook endpoint disabled: it kept failing',
            webhookId: disabledEndpoint.id,
            url: disabledEndpoint.url,
          });
      } else {
        const backoff = retryDelayMs(d.attempts, this.settings.schedule);
        const delay = Math.max(backoff, Math.min(outcome.retryAfterMs ?? 0, this.settings.schedule.maxDelayMs));
        await scheduleRetry(this.prisma.pool, d, outcome, delay);
        this.logger.debug({ ...log, msg: 'webhook attempt failed; retrying', retryInMs: delay });
      }
    } catch (err) {
      this.logger.warn({
        ...log,
        msg: 'could not record a webhook attempt; it will be repeated when its lease ends',
        err: (err as Error).message,
      });
    }
    return { status: outcome.status, error: outcome.error, durationMs: outcome.durationMs, state };
  }

  private async send(d: ClaimedDelivery) {
    let secret: string;
    try {
      if (!this.settings.secrets) throw new Error('WEBHOOK_SECRET_KEY is not set');
      secret = this.settings.secrets.open(d.secretCiphertext, d.endpointId);
    } catch (err) {
      this.logger.error({ msg: 'cannot decrypt a webhook signing secret', webhookId: d.endpointId, err: (err as Error).message });
      return {
        ok: false,
        status: null,
        error: `cannot decrypt the signing secret: ${(err as Error).message}`,
        durationMs: 0,
        retryAfterMs: null,
      };
    }
    return sendWebhook({
      url: d.url,
      body: d.payload,
      headers: { ...signatureHeaders(secret, d.messageId, new Date(), d.payload) },
      timeoutMs: this.settings.timeoutMs,
      allowPrivate: this.settings.allowPrivateTargets,
      resolver: this.resolver,
    });
  }
}
