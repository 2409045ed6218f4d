import { createHash, createHmac } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import { revokeAccountSessions } from '../auth/sessions.js';
import { AppConfig } from '../config/app-config.js';
import { query } from '../database/db.js';
import { appendEvent, userBannedEvent } from '../events/domain-events.js';
import { normalizeEmail } from '../common/text/email.js';
import type { Prisma } from '../generated/prisma/client.js';
import { banAccount } from '../users/account-changes.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { insertAccountStatement } from './decision-effects.js';
import { StatementPolicy } from './statement-policy.js';
import type { StatementCategory } from './transparency-database.js';

/** The transaction of the decision that may trigger a measure. */
type Tx = Prisma.TransactionClient;

/**
 * Who filed a notice, for counting (Art. 23(2)): the account, else a keyed hash (HMAC-SHA-256 under a key derived
 * from JWT_SECRET) of the email, never the email itself. Keyed, so that a list of addresses cannot re-identify the
 * notifiers of erased or expired notices (a plain SHA-256 could: `email:<sha256>` keys are upgraded at start-up).
 */
export function notifierKey(hashKey: Buffer, notifier: { userId?: string | null; email?: string | null }): string | null {
  if (notifier.userId) return `user:${notifier.userId}`;
  if (notifier.email) return `${EMAIL_KEY_PREFIX}${createHmac('sha256', hashKey).update(normalizeEmail(notifier.email)).digest('hex')}`;
  return null;
}

const EMAIL_KEY_PREFIX = 'email-hmac:';
/** The unkeyed form of earlier versions. */
const LEGACY_EMAIL_KEY_PREFIX = 'email:';
const legacyEmailKey = (email: string) => `${LEGACY_EMAIL_KEY_PREFIX}${createHash('sha256').update(normalizeEmail(email)).digest('hex')}`;

/** The notifier-key hash key: derived from JWT_SECRET for this one purpose (rotating JWT_SECRET restarts the counts). */
export const notifierHashKey = (jwtSecret: string) => createHmac('sha256', jwtSecret).update('dsa-notifier-key/v1').digest();

const DAY_MS = 86_400_000;

/**
 * DSA Art. 23: measures against misuse, after a prior warning.
 *
 *  (1) An author whose content moderators found *manifestly illegal* (`manifestlyIllegal` in a statement of reasons,
 *      each one a human assessment of one item) DSA_MISUSE_ILLEGAL_CONTENT_THRESHOLD times within
 *      DSA_MISUSE_WINDOW_DAYS is warned; one more such item after the warning, still within the window, suspends the
 *      account for DSA_MISUSE_SUSPENSION_DAYS.
 *  (2) A notifier whose notices moderators found *manifestly unfounded* DSA_MISUSE_UNFOUNDED_NOTICE_THRESHOLD times
 *      within the window is warned; one more puts their notices on hold for DSA_MISUSE_NOTICE_HOLD_DAYS.
 *
 * Reversed decisions do not count. Every measure is audited; suspensions and holds get a statement of reasons (and so
 * can be appealed). The checks run in the transaction of the decision that may trigger them, so nothing is counted
 * twice or missed, and the subject's row (or an advisory lock for a notifier without an account) serialises them.
 */
@Injectable()
export class MisuseService implements OnApplicationBootstrap {
  private readonly logger = new Logger(MisuseService.name);
  private readonly hashKey: Buffer;

  constructor(
    private readonly config: AppConfig,
    private readonly policy: StatementPolicy,
    private readonly prisma: PrismaService,
  ) {
    this.hashKey = notifierHashKey(config.get('JWT_SECRET'));
  }

  /** The key that counts a notifier's notices (see notifierKey). */
  notifierKey(notifier: { userId?: string | null; email?: string | null }): string | null {
    return notifierKey(this.hashKey, notifier);
  }

  async onApplicationBootstrap(): Promise<void> {
    const upgraded = await this.upgradeLegacyKeys();
    if (upgraded) this.logger.log({ msg: 'notifier keys rewritten as keyed hashes', notifiers: upgraded });
  }

  /**
   * Rewrites the unkeyed `email:<sha256>` keys of earlier versions (notices and misuse measures) as keyed ones,
   * with the address the notice still holds, so that counts and holds carry over; a legacy key whose address is
   * gone already (erased or past retention) cannot be rewritten and is dropped. Idempotent.
   */
  async upgradeLegacyKeys(): Promise<number> {
    const like = `${LEGACY_EMAIL_KEY_PREFIX}%`;
    return this.prisma.transaction(async (tx) => {
      const rows = await query<{ email: string }>(
        tx,
        `SELECT DISTINCT notifier_email AS email FROM notices WHERE notifier_key LIKE $1 AND notifier_email IS NOT NULL`,
        [like],
      );
      for (const { email } of rows) {
        const [from, to] = [legacyEmailKey(email), this.notifierKey({ email })!];
        await query(tx, 'UPDATE notices SET notifier_key = $2 WHERE notifier_key = $1', [from, to]);
        await query(tx, 'UPDATE misuse_measures SET subject_key = $2 WHERE subject_key = $1', [from, to]);
      }
      await query(tx, 'UPDATE notices SET notifier_key = NULL WHERE notifier_key LIKE $1', [like]);
      await query(tx, `UPDATE misuse_measures SET subject_key = 'forgotten:' || id::text WHERE subject_key LIKE $1`, [like]);
      return rows.length;
    });
  }

  /** After restrictions that found content manifestly illegal, for each of their authors. */
  async afterManifestlyIllegal(db: Tx, authorIds: readonly string[], actorId: string | null): Promise<void> {
    const threshold = this.config.get('DSA_MISUSE_ILLEGAL_CONTENT_THRESHOLD');
    if (threshold === 0) return;
    const windowDays = this.config.get('DSA_MISUSE_WINDOW_DAYS');
    for (const userId of [...new Set(authorIds)].sort()) {
      const [user] = await query<{ username: string; created_at: Date; banned_at: Date | null; banned_until: Date | null }>(
        db,
        'SELECT username, created_at, banned_at, banned_until FROM users WHERE id = $1::uuid FOR UPDATE',
        [userId],
      );
      if (!user) continue;
      const [items] = await query<{ n: number; first_at: Date; latest_at: Date; latest_id: string; category: string; grounds: string[] }>(
        db,
        `SELECT count(*)::int AS n, min(created_at) AS first_at, max(created_at) AS latest_at,
                (array_agg(id ORDER BY created_at DESC, id DESC))[1] AS latest_id,
                (array_agg(category ORDER BY created_at DESC, id DESC))[1] AS category,
                array_agg(DISTINCT illegal_content_legal_ground) AS grounds
         FROM statements_of_reasons
         WHERE user_id = $1::uuid AND manifestly_illegal AND reversed_at IS NULL AND created_at > now() - make_interval(days => $2::int)`,
        [userId, windowDays],
      );
      if (!items || items.n < threshold) continue;
      const subject = `user:${userId}`;
      const warning = await this.latestMeasure(db, subject, 'author_warning', windowDays);
      if (!warning) {
        await this.warn(db, { kind: 'author_warning', subject, userId, triggerStatementId: items.latest_id, actorId, count: items.n });
        continue;
      }
      // One more item after the warning (bulk decisions in the warning's own transaction share its timestamp).
      if (items.latest_at <= warning.created_at) continue;
      if (await this.activeMeasure(db, subject, 'author_suspension')) continue;
      const until = new Date(Date.now() + this.config.get('DSA_MISUSE_SUSPENSION_DAYS') * DAY_MS);
      // A longer ban a moderator already imposed stays as it is.
      if (user.banned_at && (user.banned_until === null || user.banned_until >= until)) continue;
      const grounds = items.grounds.filter(Boolean).join('; ');
      const statement = this.policy.resolve(
        {
          decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT',
          illegalContentLegalGround: `Art. 23(1) Regulation (EU) 2022/2065; the content: ${grounds}`.slice(0, 500),
          illegalContentExplanation: `${items.n} comments found manifestly illegal between ${day(items.first_at)} and ${day(items.latest_at)}, after a warning on ${day(warning.created_at)}.`,
          category: items.category as StatementCategory,
        },
        { action: 'misuse_suspension', decidedById: actorId, endsAt: until, automatedDecision: 'AUTOMATED_DECISION_PARTIALLY' },
      );
      const now = new Date();
      const statementId = await insertAccountStatement(db, statement, { userId, contentDate: user.created_at, createdAt: now });
      const reason = 'Suspended for repeatedly posting manifestly illegal content (DSA Art. 23(1))';
      await banAccount(db, userId, { at: now, until, reason });
      await revokeAccountSessions(db, userId, now);
      // Like a moderator's ban: announced in the domain event log (live updates, webhooks) with the same commit.
      await appendEvent(db, userBannedEvent({ id: userId, username: user.username }, until, reason));
      await this.record(db, { kind: 'author_suspension', subject, userId, statementId, until });
      await appendAudit(db, {
        action: 'misuse_suspend',
        actorId: null,
        targetUserId: userId,
        reason,
        details: { statementId, until: until.toISOString(), items: items.n },
      });
      this.logger.log({ msg: 'author suspended for misuse', userId, until: until.toISOString() });
    }
  }

  /** After a notice was found manifestly unfounded. */
  async afterUnfoundedNotice(
    db: Tx,
    notice: { id: string; notifierKey: string | null; notifierUserId: string | null },
    actorId: string,
  ): Promise<void> {
    const threshold = this.config.get('DSA_MISUSE_UNFOUNDED_NOTICE_THRESHOLD');
    const subject = notice.notifierKey;
    if (threshold === 0 || !subject) return;
    const windowDays = this.config.get('DSA_MISUSE_WINDOW_DAYS');
    // Serialises the checks of one notifier (an account row may not exist).
    await query(db, 'SELECT count(*)::int AS locked FROM pg_advisory_xact_lock(hashtextextended($1::text, 23))', [`misuse:${subject}`]);
    const [items] = await query<{ n: number; first_at: Date; latest_at: Date }>(
      db,
      `SELECT count(*)::int AS n, min(received_at) AS first_at, max(decided_at) AS latest_at FROM notices
       WHERE notifier_key = $1::text AND manifestly_unfounded AND decided_at > now() - make_interval(days => $2::int)`,
      [subject, windowDays],
    );
    if (!items || items.n < threshold) return;
    const warning = await this.latestMeasure(db, subject, 'notifier_warning', windowDays);
    if (!warning) {
      await this.warn(db, {
        kind: 'notifier_warning',
        subject,
        userId: notice.notifierUserId,
        triggerNoticeId: notice.id,
        actorId,
        count: items.n,
      });
      return;
    }
    if (items.latest_at <= warning.created_at || (await this.activeMeasure(db, subject, 'notifier_hold'))) return;
    const until = new Date(Date.now() + this.config.get('DSA_MISUSE_NOTICE_HOLD_DAYS') * DAY_MS);
    const statement = this.policy.resolve(
      {
        incompatibleContentGround: `${this.config.get('DSA_TERMS_GROUND')}: misuse of the notice mechanism (DSA Art. 23(2))`.slice(0, 500),
        incompatibleContentExplanation: `${items.n} notices found manifestly unfounded between ${day(items.first_at)} and ${day(items.latest_at)}, after a warning on ${day(warning.created_at)}.`,
      },
      { action: 'notifier_hold', decidedById: actorId, endsAt: until, automatedDecision: 'AUTOMATED_DECISION_PARTIALLY' },
    );
    const statementId = await insertAccountStatement(db, statement, { userId: notice.notifierUserId, contentDate: items.first_at });
    await this.record(db, { kind: 'notifier_hold', subject, userId: notice.notifierUserId, statementId, until });
    await appendAudit(db, {
      action: 'notifier_hold',
      actorId: null,
      targetUserId: notice.notifierUserId,
      reason: 'Notices not processed after repeated manifestly unfounded notices (DSA Art. 23(2))',
      details: { statementId, noticeId: notice.id, until: until.toISOString(), notices: items.n },
    });
    this.logger.log({ msg: 'notifier put on hold for misuse', noticeId: notice.id, until: until.toISOString() });
  }

  /** The end of the hold on this notifier's notices, or null when their notices are processed. */
  async holdUntil(db: Tx, subject: string | null): Promise<Date | null> {
    if (!subject) return null;
    return (await this.activeMeasure(db, subject, 'notifier_hold'))?.until ?? null;
  }

  private async warn(
    db: Tx,
    w: {
      kind: 'author_warning' | 'notifier_warning';
      subject: string;
      userId: string | null;
      triggerStatementId?: string;
      triggerNoticeId?: string;
      actorId: string | null;
      count: number;
    },
  ): Promise<void> {
    await this.record(db, w);
    await appendAudit(db, {
      action: w.kind === 'author_warning' ? 'misuse_warning' : 'notifier_warning',
      actorId: null,
      targetUserId: w.userId,
      reason:
        w.kind === 'author_warning'
          ? 'Warning: repeated manifestly illegal content (DSA Art. 23(1))'
          : 'Warning: repeated manifestly unfounded notices (DSA Art. 23(2))',
      details: { statementId: w.triggerStatementId, noticeId: w.triggerNoticeId, count: w.count, decidedBy: w.actorId },
    });
  }

  private async record(
    db: Tx,
    m: {
      kind: string;
      subject: string;
      userId: string | null;
      triggerStatementId?: string;
      triggerNoticeId?: string;
      statementId?: string;
      until?: Date;
    },
  ): Promise<void> {
    await query(
      db,
      `INSERT INTO misuse_measures (id, kind, subject_key, user_id, trigger_statement_id, trigger_notice_id, statement_id, until, created_at)
       VALUES (gen_random_uuid(), $1::"MisuseKind", $2::text, $3::uuid, $4::uuid, $5::uuid, $6::uuid, $7::timestamptz, now())`,
      [
        m.kind,
        m.subject,
        m.userId,
        m.triggerStatementId ?? null,
        m.triggerNoticeId ?? null,
        m.statementId ?? null,
        m.until?.toISOString() ?? null,
      ],
    );
  }

  private async latestMeasure(db: Tx, subject: string, kind: string, windowDays: number): Promise<{ created_at: Date } | undefined> {
    const [row] = await query<{ created_at: Date }>(
      db,
      `SELECT created_at FROM misuse_measures
       WHERE subject_key = $1::text AND kind = $2::"MisuseKind" AND lifted_at IS NULL AND created_at > now() - make_interval(days => $3::int)
       ORDER BY created_at DESC LIMIT 1`,
      [subject, kind, windowDays],
    );
    return row;
  }

  private async activeMeasure(db: Tx, subject: string, kind: string): Promise<{ until: Date } | undefined> {
    const [row] = await query<{ until: Date }>(
      db,
      `SELECT until FROM misuse_measures
       WHERE subject_key = $1::text AND kind = $2::"MisuseKind" AND lifted_at IS NULL AND until > now()
       ORDER BY until DESC LIMIT 1`,
      [subject, kind],
    );
    return row;
  }
}

const day = (d: Date) => d.toISOString().slice(0, 10);
