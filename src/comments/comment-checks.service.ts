import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { auditRowsInsert } from '../audit/audit-log.js';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { annotatePending, applyCommentChange, type StateEffect } from '../comment-core/comment-state.js';
import { type Db, query } from '../database/db.js';
import { restrictionEffects } from '../dsa/decision-effects.js';
import type { StatementFieldsDto } from '../dsa/dto/statement-fields.dto.js';
import { StatementPolicy } from '../dsa/statement-policy.js';
import type { CommentStatus } from '../generated/prisma/enums.js';
import { holdEffect } from '../holds/comment-holds.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { ClassifierClient, type ClassifierOutcome, type ClassifierRequest } from '../triage/classifier.js';
import { AkismetService, type SpamInput, type SpamVerdict } from '../triage/spam-service.js';
import { SecretBox } from '../common/outbound/secrets.js';

/** A comment awaiting its check: the version judged and the status it takes when the check lets it through. */
export interface PendingCheck {
  commentId: string;
  version: number;
  publishTo: CommentStatus;
}

/** The client of a post or edit: for the spam service only, kept encrypted and briefly (docs/legal.md). */
export interface ClientFacts {
  ip: string;
  userAgent: string;
}

interface CheckFacts {
  id: string;
  article_id: string;
  author_id: string;
  body: string;
  status: CommentStatus;
  deleted_at: Date | null;
  version: number;
  parent_id: string | null;
  created_at: Date;
  edited_at: Date | null;
  author_role: string;
  author_created_at: Date;
  author_approved: number;
  author_email: string | null;
  article_slug: string;
  article_title: string;
  article_url: string | null;
  moderation_mode: string;
  hold_source: string | null;
  hold_rule: string | null;
  author_name: string;
  sealed: string | null;
}

/** Time a request keeps its claim beyond the classifier's timeout before the resume worker may take the comment. */
const CLAIM_GRACE_MS = 5_000;
const RESUME_BATCH = 20;

/**
 * The automated check of new and edited comments by the publisher's classifier (src/triage/classifier.ts,
 * docs/triage.md). Posting stores the comment as pending with a `comment_checks` row in its one statement
 * (`storedEffect`), then `decide` calls the classifier and applies its verdict in one statement that also removes
 * the row: publish (to `publishTo`: approved on a post-moderated article, else it stays pending for a moderator),
 * hold (the reason and labels on the comment's hold) or refuse (rejected, with a statement of reasons from the
 * newsroom's reason list, marked automated). A process stopped between the two leaves the row: the resume worker
 * claims it once its claim has lapsed and decides it. A change by someone else in between (a moderator's decision,
 * an edit, a deletion) wins: the check of the version it judged is dropped.
 */
@Injectable()
export class CommentChecksService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(CommentChecksService.name);
  private timer: NodeJS.Timeout | null = null;
  private resuming: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly policy: StatementPolicy,
    private readonly classifier: ClassifierClient,
    private readonly spam: AkismetService,
  ) {
    // The client data is sealed under a key derived from JWT_SECRET for this purpose only (HKDF info): it lives
    // for days, so a JWT_SECRET rotation merely loses the feedback on the comments decided before it.
    this.box = new SecretBox([config.get('JWT_SECRET')], 'newsroom-comments spam-service client data');
  }

  private readonly box: SecretBox;

  /** Whether new and edited comments are checked (a classifier or a spam service is configured). */
  get enabled(): boolean {
    return this.classifier.enabled || this.spam.enabled;
  }

  /** How long the posting request holds its claim: the longer timeout plus a grace period. */
  get claimMs(): number {
    return Math.max(this.classifier.enabled ? this.classifier.timeoutMs : 0, this.config.get('SPAM_CHECK_TIMEOUT_MS')) + CLAIM_GRACE_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    // The client data is kept only while a spam service is configured: turned off, it goes at the next start.
    if (!this.spam.enabled) await query(this.prisma.pool, 'DELETE FROM comment_client_data', []);
    if (!this.enabled) return;
    const every = this.config.get('COMMENT_CHECK_POLL_MS');
    this.timer = setInterval(() => void this.resume(), every);
    this.timer.unref();
  }

  /**
   * Shutting down: the classifier calls in flight give up and their comments are left as they are, stored and
   * awaiting their check (not held as if the classifier had failed): the resume worker of this or another instance
   * decides them once the claim lapses, as after a crash.
   */
  beforeApplicationShutdown(): void {
    this.closed = true;
    this.classifier.abortAll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.resuming;
  }

  /**
   * The effects that record, in the statement storing the comment, that it awaits its check (claimed by this
   * request), and, with a spam service, the client's address and user agent, encrypted, bound to the author.
   */
  storedEffects(publishTo: CommentStatus, authorId: string, client?: ClientFacts): StateEffect[] {
    const claimMs = this.claimMs;
    const effects: StateEffect[] = [
      {
        name: 'check_pending',
        sql: (p) => `INSERT INTO comment_checks (comment_id, version, publish_to, created_at, claimed_until, attempts)
          SELECT d.id, d.version, ${p.p(publishTo, '"CommentStatus"')}, now(), now() + ${p.p(claimMs, 'int')} * interval '1 millisecond', 0
          FROM changed d
          ON CONFLICT (comment_id) DO UPDATE SET version = EXCLUDED.version, publish_to = EXCLUDED.publish_to,
            created_at = EXCLUDED.created_at, claimed_until = EXCLUDED.claimed_until, attempts = 0
          RETURNING comment_id`,
      },
    ];
    if (this.spam.enabled && client) {
      const sealed = this.box.seal(JSON.stringify(client), authorId);
      // Until decided (the decision shortens it to SPAM_FEEDBACK_DAYS from then), at most a day more.
      const days = this.config.get('SPAM_FEEDBACK_DAYS') + 1;
      effects.push({
        name: 'client_data',
        sql: (p) => `INSERT INTO comment_client_data (comment_id, sealed, spam_verdict, delete_after)
          SELECT d.id, ${p.p(sealed, 'text')}, NULL, now() + ${p.p(days, 'int')} * interval '1 day' FROM changed d
          ON CONFLICT (comment_id) DO UPDATE SET sealed = EXCLUDED.sealed, spam_verdict = NULL, delete_after = EXCLUDED.delete_after
          RETURNING comment_id`,
      });
    }
    return effects;
  }

  /**
   * Decides one stored comment; returns its reader's view afterwards (null when the check was moot or could not be
   * applied: the comment stays pending and the worker retries once the claim lapses). Never throws.
   */
  async decide(check: PendingCheck): Promise<string | null> {
    try {
      return await this.decideOrThrow(check);
    } catch (err) {
      this.logger.warn({
        msg: 'comment check not applied; the resume worker will retry',
        commentId: check.commentId,
        err: (err as Error).message,
      });
      return null;
    }
  }

  /** Claims the comments whose check was left undecided (claim lapsed) and decides them, a batch at a time. */
  resume(): Promise<void> {
    this.resuming ??= (async () => {
      try {
        await query(this.prisma.pool, 'DELETE FROM comment_client_data WHERE delete_after < now()', []);
        while (!this.closed) {
          const claimed = await query<{ comment_id: string; version: number; publish_to: CommentStatus }>(
            this.prisma.pool,
            `UPDATE comment_checks k SET claimed_until = now() + $1::int * interval '1 millisecond', attempts = k.attempts + 1
             WHERE k.comment_id IN (SELECT comment_id FROM comment_checks WHERE claimed_until < now()
                                    ORDER BY claimed_until LIMIT ${RESUME_BATCH} FOR UPDATE SKIP LOCKED)
             RETURNING k.comment_id, k.version, k.publish_to`,
            [this.claimMs],
          );
          for (const c of claimed) {
            if (this.closed) break;
            await this.decide({ commentId: c.comment_id, version: c.version, publishTo: c.publish_to });
          }
          if (claimed.length < RESUME_BATCH) break;
        }
      } catch (err) {
        this.logger.warn({ msg: 'comment check resume failed', err: (err as Error).message });
      } finally {
        this.resuming = null;
      }
    })();
    return this.resuming;
  }

  private async decideOrThrow(check: PendingCheck): Promise<string | null> {
    const [facts] = await query<CheckFacts>(
      this.prisma.pool,
      `SELECT c.id, c.article_id, c.author_id, c.body, c.status::text AS status, c.deleted_at, c.version, c.parent_id, c.created_at, c.edited_at,
              u.role::text AS author_role, u.created_at AS author_created_at, u.approved_comment_count AS author_approved, u.email AS author_email,
              a.slug AS article_slug, a.title AS article_title, a.url AS article_url, a.moderation_mode::text AS moderation_mode,
              h.source AS hold_source, h.rule AS hold_rule, COALESCE(u.display_name, u.username) AS author_name, k.sealed
       FROM comments c JOIN users u ON u.id = c.author_id JOIN articles a ON a.id = c.article_id
       LEFT JOIN comment_holds h ON h.comment_id = c.id LEFT JOIN comment_client_data k ON k.comment_id = c.id
       WHERE c.id = $1::uuid`,
      [check.commentId],
    );
    if (!facts || facts.version !== check.version || facts.status !== 'pending' || facts.deleted_at) {
      await this.drop(check);
      return null;
    }
    const request: ClassifierRequest = {
      type: 'comment.check',
      timestamp: new Date().toISOString(),
      data: {
        comment: {
          id: facts.id,
          body: facts.body,
          parentId: facts.parent_id,
          createdAt: facts.created_at.toISOString(),
          editedAt: facts.edited_at?.toISOString() ?? null,
          edit: facts.edited_at !== null,
        },
        author: {
          id: facts.author_id,
          role: facts.author_role,
          createdAt: facts.author_created_at.toISOString(),
          approvedComments: facts.author_approved,
          emailDomain: facts.author_email?.split('@').pop()?.toLowerCase() ?? null,
        },
        article: {
          id: facts.article_id,
          slug: facts.article_slug,
          title: facts.article_title,
          url: facts.article_url,
          moderationMode: facts.moderation_mode,
        },
        triage: {
          status: check.publishTo === 'approved' ? 'approved' : 'pending',
          holdSource: facts.hold_source,
          holdRule: facts.hold_rule,
        },
      },
    };
    const spamInput = this.spamInput(facts);
    const [outcome, spam] = await Promise.all([
      this.classifier.enabled ? this.classifier.check(request, `chk_${facts.id}_${facts.version}`) : null,
      this.spam.enabled && spamInput ? this.spam.check(spamInput) : null,
    ]);
    if (this.closed) return null;
    if (spam?.verdict === 'unavailable')
      this.logger.warn({ msg: 'spam service gave no verdict', commentId: facts.id, reason: spam.reason });
    return this.apply(check, facts, outcome, spam);
  }

  /**
   * The verdicts together: the classifier's refusal first, then a spam service's `discard` (refused as spam), the
   * classifier's hold, a spam service's `spam` (held), else publish. A spam service without a verdict (down, slow)
   * never holds by itself: posting goes on as the rules and the classifier decided.
   */
  private async apply(
    check: PendingCheck,
    facts: CheckFacts,
    classified: ClassifierOutcome | null,
    spam: SpamVerdict | null,
  ): Promise<string | null> {
    const verdict = spam && spam.verdict !== 'unavailable' ? spam : null;
    const spamLabels = verdict && verdict.verdict !== 'ham' ? ['spam', ...(verdict.verdict === 'discard' ? ['discard'] : [])] : [];
    const outcome: ClassifierOutcome = classified
      ? { ...classified, labels: [...new Set([...classified.labels, ...spamLabels])] }
      : { action: 'publish', labels: spamLabels, model: null };
    const extra: StateEffect[] = [this.doneEffect(check), ...(verdict ? [this.verdictEffect(verdict.verdict)] : [])];
    // An edit is held, never refused (as by the triage rules): the author keeps the comment they wrote.
    if (facts.edited_at !== null && (outcome.action === 'refuse' || verdict?.verdict === 'discard')) {
      const why =
        outcome.action === 'refuse' ? `classifier refused the edit (${outcome.reason})` : `spam service ${verdict!.service}: blatant spam`;
      const source = outcome.action === 'refuse' ? 'classifier' : 'spam_service';
      const rule = outcome.action === 'refuse' ? (outcome.model ?? 'classifier') : verdict!.service;
      return this.hold(check, facts, `${why}; an edit is held, not refused`, outcome.labels, rule, extra, source);
    }
    if (outcome.action !== 'refuse' && verdict?.verdict === 'discard') {
      const statusReason = `spam service ${verdict.service}: blatant spam`;
      const statement = this.policy.resolve(undefined, { action: 'check_reject', decidedById: null, reason: statusReason });
      return this.change(check, () =>
        applyCommentChange(
          this.prisma.pool,
          {
            id: facts.id,
            articleId: facts.article_id,
            authorId: facts.author_id,
            status: 'pending',
            deletedAt: null,
            version: check.version,
          },
          { status: 'rejected', statusReason },
          { action: 'check_reject', actorId: null, reason: statusReason },
          [
            ...restrictionEffects(statement),
            holdEffect({ source: 'spam_service', rule: verdict.service, matched: [], labels: outcome.labels }),
            ...extra,
          ],
        ),
      );
    }
    if (outcome.action === 'publish' && verdict?.verdict === 'spam') {
      return this.hold(check, facts, `spam service ${verdict.service}: spam`, outcome.labels, verdict.service, extra, 'spam_service');
    }
    return this.applyClassifier(check, facts, outcome, extra);
  }

  private async applyClassifier(
    check: PendingCheck,
    facts: CheckFacts,
    outcome: ClassifierOutcome,
    extra: StateEffect[],
  ): Promise<string | null> {
    const snapshot = {
      id: facts.id,
      articleId: facts.article_id,
      authorId: facts.author_id,
      status: 'pending' as const,
      deletedAt: null,
      version: check.version,
    };
    const labels = outcome.labels;
    if (outcome.action === 'publish') {
      if (check.publishTo !== 'approved') return this.hold(check, facts, null, labels, null, extra);
      const reason = `classifier${outcome.model ? ` ${outcome.model}` : ''}: publish${labels.length ? ` (${labels.join(', ')})` : ''}`;
      return this.change(check, () =>
        applyCommentChange(
          this.prisma.pool,
          snapshot,
          { status: 'approved', statusReason: null },
          { action: 'check_publish', actorId: null, reason },
          extra,
        ),
      );
    }
    if (outcome.action === 'hold') {
      const rule = 'failure' in outcome ? outcome.failure : (outcome.model ?? 'classifier');
      return this.hold(check, facts, `classifier: ${outcome.reason}`, labels, rule, extra);
    }
    const reason = await this.prisma.decisionReason.findFirst({
      where: {
        OR: [{ label: { equals: outcome.reason, mode: 'insensitive' } }, ...(isUuid(outcome.reason) ? [{ id: outcome.reason }] : [])],
      },
      select: { label: true, statement: true, appliesTo: true },
    });
    if (!reason) {
      const why = `classifier: refused for "${outcome.reason}", which is not one of the newsroom's decision reasons; held for a moderator`;
      return this.hold(check, facts, why, labels, outcome.model ?? 'classifier', extra);
    }
    const statusReason = `classifier: ${reason.label}`.slice(0, 500);
    const statement = this.policy.resolve(reason.statement as StatementFieldsDto, {
      action: 'check_reject',
      decidedById: null,
      reason: outcome.explanation ?? reason.label,
    });
    return this.change(check, () =>
      applyCommentChange(
        this.prisma.pool,
        snapshot,
        { status: 'rejected', statusReason },
        { action: 'check_reject', actorId: null, reason: `${statusReason}${labels.length ? ` (${labels.join(', ')})` : ''}` },
        [
          ...restrictionEffects(statement),
          holdEffect({ source: 'classifier', rule: outcome.model ?? 'classifier', matched: [], labels }),
          ...extra,
        ],
      ),
    );
  }

  /**
   * Keeps the comment pending for a moderator with the check's reason and labels, in one statement that also
   * removes the check and writes the audit row (`check_hold`). A hold the rules or the word filter made stays the
   * hold (its source and rule), with the labels added; `reason` null (the check let it through, the article or a
   * rule holds it anyway) only removes the check and adds labels. No domain event: nothing readers see changes.
   */
  private async hold(
    check: PendingCheck,
    facts: CheckFacts,
    reason: string | null,
    labels: string[],
    rule: string | null,
    extra: StateEffect[],
    source: 'classifier' | 'spam_service' = 'classifier',
  ): Promise<string | null> {
    const replace = reason !== null && facts.hold_source === null;
    const labelled = labels.length ? ` (${labels.join(', ')})` : '';
    const auditReason = reason ? `${reason}${labelled}` : `automated check: no objection${labelled}; waits for a moderator`;
    const effects: StateEffect[] = [
      ...extra,
      {
        name: 'check_hold',
        sql: (p) => `INSERT INTO comment_holds (comment_id, source, rule, matched, labels, created_at)
          SELECT d.id, ${p.p(source, 'text')}, ${p.p(rule, 'text')}, ARRAY[]::text[], ${p.p(labels, 'text[]')}, now() FROM changed d
          WHERE ${replace ? 'true' : `cardinality(${p.p(labels, 'text[]')}) > 0`}
          ON CONFLICT (comment_id) DO UPDATE SET ${
            replace
              ? 'source = EXCLUDED.source, rule = EXCLUDED.rule, matched = EXCLUDED.matched, labels = EXCLUDED.labels, created_at = EXCLUDED.created_at'
              : 'labels = ARRAY(SELECT DISTINCT unnest(comment_holds.labels || EXCLUDED.labels))'
          }
          RETURNING comment_id`,
      },
      {
        name: 'audit',
        sql: (p) =>
          auditRowsInsert(
            {
              comment_id: 'd.id',
              moderator_id: 'NULL::uuid',
              action: p.p(reason === null ? 'check_pass' : 'check_hold', 'text'),
              from_status: `'pending'::"CommentStatus"`,
              to_status: `'pending'::"CommentStatus"`,
              reason: p.p(auditReason.slice(0, 1000), 'text'),
              created_at: 'now()',
            },
            'changed d',
          ),
      },
    ];
    const view = await annotatePending(this.prisma.pool, check.commentId, check.version, reason?.slice(0, 500) ?? null, effects);
    if (view === null) await this.drop(check);
    return view;
  }

  /** Applies a change; a comment changed by someone else since (VERSION_CONFLICT) only loses its check. */
  private async change(check: PendingCheck, run: () => Promise<{ view: string }>): Promise<string | null> {
    try {
      return (await run()).view;
    } catch (err) {
      if (err instanceof AppError && err.code === 'VERSION_CONFLICT') {
        await this.drop(check);
        return null;
      }
      throw err;
    }
  }

  /** Records the spam service's verdict (for a later override) and shortens the client data's life to the feedback window. */
  private verdictEffect(verdict: 'ham' | 'spam' | 'discard'): StateEffect {
    return {
      name: 'spam_verdict',
      sql: (p) => `UPDATE comment_client_data k SET spam_verdict = ${p.p(verdict, 'text')},
          delete_after = now() + ${p.p(this.config.get('SPAM_FEEDBACK_DAYS'), 'int')} * interval '1 day'
        FROM changed d WHERE k.comment_id = d.id RETURNING k.comment_id`,
    };
  }

  /** What the spam service is told about a comment, with its client's address and user agent (null: none kept). */
  private spamInput(
    f: Pick<
      CheckFacts,
      'sealed' | 'author_id' | 'body' | 'author_name' | 'author_email' | 'article_url' | 'parent_id' | 'created_at' | 'edited_at'
    >,
  ): SpamInput | null {
    if (!f.sealed) return null;
    let client: ClientFacts;
    try {
      client = JSON.parse(this.box.open(f.sealed, f.author_id)) as ClientFacts;
    } catch {
      return null;
    }
    return {
      ip: client.ip,
      userAgent: client.userAgent,
      body: f.body,
      authorName: f.author_name,
      authorEmail: f.author_email,
      permalink: f.article_url,
      reply: f.parent_id !== null,
      createdAt: f.created_at,
      editedAt: f.edited_at,
    };
  }

  /**
   * A moderator decided comments: where that overrides the spam service (approved what it called spam, marked spam
   * what it let through), the service is told (submit-ham / submit-spam) and the client data is deleted. In the
   * background of the decision; never throws.
   */
  async afterDecision(ids: readonly string[], status: CommentStatus): Promise<void> {
    if (!this.spam.enabled || (status !== 'approved' && status !== 'spam') || ids.length === 0) return;
    try {
      const rows = await query<CheckFacts>(
        this.prisma.pool,
        `SELECT c.id, c.author_id, c.body, c.parent_id, c.created_at, c.edited_at, u.email AS author_email,
                COALESCE(u.display_name, u.username) AS author_name, a.url AS article_url, k.sealed
         FROM comment_client_data k JOIN comments c ON c.id = k.comment_id JOIN users u ON u.id = c.author_id JOIN articles a ON a.id = c.article_id
         WHERE k.comment_id = ANY($1::uuid[]) AND k.spam_verdict = ANY($2::text[])`,
        [ids, status === 'approved' ? ['spam', 'discard'] : ['ham']],
      );
      for (const row of rows) {
        const input = this.spamInput(row);
        if (input && (await this.spam.feedback(status === 'approved' ? 'ham' : 'spam', input))) {
          await query(this.prisma.pool, 'DELETE FROM comment_client_data WHERE comment_id = $1::uuid', [row.id]);
        }
      }
    } catch (err) {
      this.logger.warn({ msg: 'spam feedback failed', err: (err as Error).message });
    }
  }

  private doneEffect(check: PendingCheck): StateEffect {
    return {
      name: 'check_done',
      sql: (p) =>
        `DELETE FROM comment_checks k USING changed d WHERE k.comment_id = d.id AND k.version = ${p.p(check.version, 'int')} RETURNING k.comment_id`,
    };
  }

  private async drop(check: PendingCheck): Promise<void> {
    await query(this.prisma.pool, 'DELETE FROM comment_checks WHERE comment_id = $1::uuid AND version = $2::int', [
      check.commentId,
      check.version,
    ]);
  }
}

/** Account erasure: the spam service's client data of every comment of the account goes at once. */
export async function eraseClientData(db: Db, userId: string): Promise<void> {
  await query(db, 'DELETE FROM comment_client_data k USING comments c WHERE c.id = k.comment_id AND c.author_id = $1::uuid', [userId]);
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
