import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { type MailMode, mailMode } from '../config/env-mail.js';
import type { RetrySchedule } from '../webhooks/retry-schedule.js';

/** The mail settings (SMTP_URL, MAIL_* variables, PUBLIC_URL), read once. */
@Injectable()
export class MailSettings {
  readonly mode: MailMode;
  readonly smtpUrl: string | undefined;
  readonly from: string;
  readonly devDir: string;
  readonly runWorker: boolean;
  readonly pollIntervalMs: number;
  readonly schedule: RetrySchedule;
  readonly digestHourUtc: number;
  /** A claimed mail stays reserved this long for the instance sending it (an SMTP exchange takes seconds). */
  readonly leaseMs = 120_000;
  /** How long a confirmation link works. */
  readonly confirmationTtlMs = 48 * 3_600_000;
  private readonly publicUrl: string | undefined;

  constructor(private readonly config: AppConfig) {
    this.smtpUrl = config.get('SMTP_URL');
    // smtp, folder (development: MAIL_DEV_DIR) or off (nothing is queued: /api/health says so).
    this.mode = mailMode(config.env);
    this.from = config.get('MAIL_FROM') ?? 'Newsroom comments <comments@localhost>';
    this.devDir = config.get('MAIL_DEV_DIR');
    this.runWorker = config.get('MAIL_WORKER');
    this.pollIntervalMs = config.get('MAIL_POLL_INTERVAL_MS');
    this.schedule = {
      maxAttempts: config.get('MAIL_MAX_ATTEMPTS'),
      baseMs: config.get('MAIL_RETRY_BASE_MS'),
      maxDelayMs: config.get('MAIL_RETRY_MAX_DELAY_MS'),
    };
    this.digestHourUtc = config.get('MAIL_DIGEST_HOUR_UTC');
    this.publicUrl = config.get('PUBLIC_URL');
  }

  get enabled(): boolean {
    return this.mode !== 'off';
  }

  /** The origin links in mails start with: PUBLIC_URL, else (development, tests) this machine's port. */
  get origin(): string {
    return this.publicUrl ?? `http://localhost:${this.config.get('PORT')}`;
  }

  /** The latest daily digest moment at or before `now` (MAIL_DIGEST_HOUR_UTC): replies held before it are due. */
  digestCutoff(now = new Date()): Date {
    const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), this.digestHourUtc));
    if (cutoff > now) cutoff.setUTCDate(cutoff.getUTCDate() - 1);
    return cutoff;
  }
}
