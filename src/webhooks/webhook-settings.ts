import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import type { RetrySchedule } from './retry-schedule.js';
import { SecretBox } from '../common/outbound/secrets.js';

/** The webhook settings (WEBHOOK_* variables), read once. */
@Injectable()
export class WebhookSettings {
  /** Null when no WEBHOOK_SECRET_KEY is configured (production without one): webhooks are off. */
  readonly secrets: SecretBox | null;
  readonly schedule: RetrySchedule;
  readonly timeoutMs: number;
  readonly allowPrivateTargets: boolean;
  readonly runWorker: boolean;
  readonly pollIntervalMs: number;
  readonly concurrency: number;
  readonly retentionDays: number;
  /**
   * How long a claimed delivery stays reserved for the instance attempting it. Far longer than an attempt can
   * take (its deadline is timeoutMs), so a live instance always finishes first; after a crash, another instance
   * retries once it has passed.
   */
  readonly leaseMs: number;

  constructor(config: AppConfig) {
    const keys = config.get('WEBHOOK_SECRET_KEY');
    this.secrets = keys.length ? new SecretBox(keys) : null;
    this.schedule = {
      maxAttempts: config.get('WEBHOOK_MAX_ATTEMPTS'),
      baseMs: config.get('WEBHOOK_RETRY_BASE_MS'),
      maxDelayMs: config.get('WEBHOOK_RETRY_MAX_DELAY_MS'),
    };
    this.timeoutMs = config.get('WEBHOOK_TIMEOUT_MS');
    this.allowPrivateTargets = config.get('WEBHOOK_ALLOW_PRIVATE_TARGETS');
    this.runWorker = config.get('WEBHOOK_WORKER');
    this.pollIntervalMs = config.get('WEBHOOK_POLL_INTERVAL_MS');
    this.concurrency = config.get('WEBHOOK_CONCURRENCY');
    this.retentionDays = config.get('WEBHOOK_DELIVERY_RETENTION_DAYS');
    this.leaseMs = Math.max(60_000, 4 * this.timeoutMs);
  }

  /** Webhooks need a key to keep secrets encrypted: without one (production without WEBHOOK_SECRET_KEY) they are off. */
  requireSecrets(): SecretBox {
    if (!this.secrets) throw AppError.notFound('WEBHOOKS_NOT_CONFIGURED', 'Webhooks are not set up on this site: set WEBHOOK_SECRET_KEY');
    return this.secrets;
  }
}
