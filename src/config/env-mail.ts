import { z } from 'zod';
import { bool } from './env-helpers.js';

/** Configuration of e-mail (src/mail, docs/mail.md): the SMTP server, the sender, the outbox worker, the digest. */
export const mailFields = {
  // smtp:// or smtps:// (TLS from the start), with user and password in the URL when the server wants them, e.g.
  // smtps://comments%40example.bg:secret@smtp.example.bg:465. Unset: no mail (in development: written to MAIL_DEV_DIR).
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/?#]+\/?(\?.*)?$/, 'must be an smtp:// or smtps:// URL (smtp://user:password@host:587)')
    .optional(),
  // The sender, e.g. `Коментари <comments@example.bg>`; required with SMTP_URL.
  MAIL_FROM: z.string().trim().min(3).max(320).optional(),
  // Development without SMTP_URL: each mail is written here as an .eml file (and logged), so the walkthrough shows it.
  MAIL_DEV_DIR: z.string().min(1).default('.data/mail'),
  // This instance sends mail from the outbox (any number of instances may: each mail is sent once).
  MAIL_WORKER: bool.default(true),
  MAIL_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(5_000),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(86_400_000).default(60_000),
  MAIL_RETRY_MAX_DELAY_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400_000)
    .default(6 * 3_600_000),
  // The hour (UTC) of the daily digest of replies for readers who chose it.
  MAIL_DIGEST_HOUR_UTC: z.coerce.number().int().min(0).max(23).default(6),
};

/**
 * How an instance sends mail: `smtp` with SMTP_URL; `folder` in development without it (each mail written to
 * MAIL_DEV_DIR and logged, for the walkthrough); otherwise `off` (nothing is queued). One rule for the mail module
 * and for what the pages are told (GET /api/client-config).
 */
export type MailMode = 'smtp' | 'folder' | 'off';

export function mailMode(env: { NODE_ENV: string; SMTP_URL?: string }): MailMode {
  return env.SMTP_URL ? 'smtp' : env.NODE_ENV === 'development' ? 'folder' : 'off';
}

/** Mail settings that only make sense together. */
export function mailIssues(env: { NODE_ENV: string; SMTP_URL?: string; MAIL_FROM?: string; PUBLIC_URL?: string }): [string, string][] {
  const issues: [string, string][] = [];
  if (env.SMTP_URL && !env.MAIL_FROM) issues.push(['MAIL_FROM', 'MAIL_FROM is required with SMTP_URL (the sender of every mail)']);
  if (env.SMTP_URL && !env.PUBLIC_URL && env.NODE_ENV === 'production')
    issues.push(['PUBLIC_URL', 'PUBLIC_URL is required with SMTP_URL in production (the links in mails are absolute)']);
  return issues;
}
