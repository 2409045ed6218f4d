import { z } from 'zod';
import { EEA_COUNTRY_CODES } from './eea-countries.js';

/** Configuration of the features: comments, the domain event log, privacy (erasure, retention), live updates, DSA. */
export const featureFields = {
  COMMENT_EDIT_WINDOW_SECONDS: z.coerce.number().int().min(0).default(900),
  COMMENT_REPORT_THRESHOLD: z.coerce.number().int().min(1).default(3),
  COMMENT_DUPLICATE_WINDOW_SECONDS: z.coerce.number().int().min(0).default(60),
  TRUSTED_USER_APPROVED_COMMENTS: z.coerce.number().int().min(0).default(0),
  // The reactions readers may give a comment (PUT /api/comments/:commentId/reactions/mine): comma-separated kinds, 1-10,
  // each lowercase letters, digits, '_' or '-' (up to 32). Removing a kind later keeps the reactions already given.
  REACTION_KINDS: z
    .string()
    .default('like')
    .transform((v, ctx): string[] => {
      const kinds = [
        ...new Set(
          v
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean),
        ),
      ];
      if (!kinds.length || kinds.length > 10 || kinds.some((k) => !/^[a-z][a-z0-9_-]{0,31}$/.test(k))) {
        ctx.addIssue({
          code: 'custom',
          message: "1-10 comma-separated kinds of lowercase letters, digits, '_' or '-' (e.g. like,insightful)",
        });
        return z.NEVER;
      }
      return kinds;
    }),
  // Domain events (the log behind live updates and webhooks) are kept this long, then deleted.
  DOMAIN_EVENTS_RETENTION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  // GDPR erasure (DELETE /api/me, privacy/account-erasure.service.ts): `anonymize` keeps the words of published
  // comments without an author; `delete` removes every comment's words too (each stays a deleted placeholder).
  ERASURE_MODE: z.enum(['anonymize', 'delete']).default('anonymize'),
  // Retention (privacy/retention.service.ts): sessions are deleted this many days after they expired.
  RETENTION_SESSION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  // Retention: a notifier's name and email (DSA notices) are removed this many days after the notice's decision.
  RETENTION_NOTICE_CONTACT_DAYS: z.coerce.number().int().min(0).max(3650).default(190),
  // How often this process runs the retention job, in seconds; 0 = never (another instance or a cron job does).
  RETENTION_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(3600),
  // Live updates (Server-Sent Events): open streams per instance, per client address (per instance), the
  // heartbeat, how far back Last-Event-ID may resume, and when a slow client is dropped: its socket has not drained
  // for SSE_STALL_SECONDS, or more than SSE_MAX_BUFFERED_BYTES wait for it. A burst is written at the client's
  // pace (frames are shared between streams), so the cap is generous: the largest bulk decision is a few MB.
  SSE_MAX_STREAMS: z.coerce.number().int().min(0).max(100_000).default(2_000),
  // Readers behind one carrier-grade NAT (mobile networks) or office NAT share an address: 100 keeps one address
  // to 5% of an instance's streams; a refused widget polls the cacheable count instead (docs/widget.md).
  SSE_MAX_STREAMS_PER_IP: z.coerce.number().int().min(1).max(10_000).default(100),
  SSE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(25).default(20),
  SSE_RESUME_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  SSE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1_024).max(268_435_456).default(16_777_216),
  SSE_STALL_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  // DSA (Regulation (EU) 2022/2065; README "Legal duties"). Appeals are open this many months after a decision
  // (Art. 20(1): at least six).
  DSA_APPEAL_WINDOW_MONTHS: z.coerce.number().int().min(6).max(120).default(6),
  // The site's terms (community rules): the ground and link of every decision taken on them (Art. 17(3)(e)).
  DSA_TERMS_GROUND: z.string().trim().min(1).max(500).default('Community rules of the comment section'),
  DSA_TERMS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(500)
    .optional(),
  // Where a removal applies (ISO codes of EU/EEA countries, the Transparency Database's `territorial_scope`).
  DSA_TERRITORIAL_SCOPE: z
    .string()
    .default(EEA_COUNTRY_CODES.join(','))
    .transform((v, ctx): string[] => {
      const list = [
        ...new Set(
          v
            .split(',')
            .map((c) => c.trim().toUpperCase())
            .filter(Boolean),
        ),
      ];
      const bad = list.filter((c) => !(EEA_COUNTRY_CODES as readonly string[]).includes(c));
      if (bad.length || !list.length) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma-separated list of EU/EEA country codes (${EEA_COUNTRY_CODES.join(', ')})`,
        });
        return z.NEVER;
      }
      return list.sort();
    }),
  // Art. 23 misuse: counted over this window; a threshold of 0 turns that measure off.
  DSA_MISUSE_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  DSA_MISUSE_ILLEGAL_CONTENT_THRESHOLD: z.coerce.number().int().min(0).default(3),
  DSA_MISUSE_SUSPENSION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  DSA_MISUSE_UNFOUNDED_NOTICE_THRESHOLD: z.coerce.number().int().min(0).default(5),
  DSA_MISUSE_NOTICE_HOLD_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
};
