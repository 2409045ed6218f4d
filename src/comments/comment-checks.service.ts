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
import { query } from '../database/db.js';
import { restrictionEffects } from '../dsa/decision-effects.js';
import type { StatementFieldsDto } from '../dsa/dto/statement-fields.dto.js';
import { StatementPolicy } from '../dsa/statement-policy.js';
import type { CommentStatus } from '../generated/prisma/enums.js';
import { holdEffect } from '../holds/comment-holds.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { ClassifierClient, type ClassifierOutcome, type ClassifierRequest } from '../triage/classifier.js';

/** A comment awaiting its check: the version judged and the status it takes when the check lets it through. */
export interface PendingCheck {
  commentId: string;
  version: number;
  publishTo: CommentStatus;
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
  ) {}

  /** Whether new and edited comments are checked (a classifier is configured). */
  get enabled(): boolean {
    return this.classifier.enabled;
  }

  /** How long the posting request holds its claim: the classifier's timeout plus a grace period. */
  get claimMs(): number {
    return this.classifier.timeoutMs + CLAIM_GRACE_MS;
  }

  onApplicationBootstrap(): void {
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

  /** The effect that records, in the statement storing the comment, that it awaits its check (claimed by this request). */
  storedEffect(publishTo: CommentStatus): StateEffect {
    const claimMs = this.claimMs;
    return {
      name: 'check_pending',
      sql: (p) => `INSERT INTO comment_checks (comment_id, version, publish_to, created_at, claimed_until, attempts)
        SELECT d.id, d.version, ${p.p(publishTo, '"CommentStatus"')}, now(), now() + ${p.p(claimMs, 'int')} * interval '1 millisecond', 0
        FROM changed d
        ON CONFLICT (comment_id) DO UPDATE SET version = EXCLUDED.version, publish_to = EXCLUDED.publish_to,
          created_at = EXCLUDED.created_at, claimed_until = EXCLUDED.claimed_until, attempts = 0
        RETURNING comment_id`,
    };
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
              h.source AS hold_source, h.rule AS hold_rule
       FROM comments c JOIN users u ON u.id = c.author_id JOIN articles a ON a.id = c.article_id
       LEFT JOIN comment_holds h ON h.comment_id = c.id
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
    const outcome = await this.classifier.check(request, `chk_${facts.id}_${facts.version}`);
    if (this.closed) return null;
    return this.apply(check, facts, outcome);
  }

  private async apply(check: PendingCheck, facts: CheckFacts, outcome: ClassifierOutcome): Promise<string | null> {
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
      if (check.publishTo !== 'approved') return this.hold(check, facts, null, labels, null);
      const reason = `classifier${outcome.model ? ` ${outcome.model}` : ''}: publish${labels.length ? ` (${labels.join(', ')})` : ''}`;
      return this.change(check, () =>
        applyCommentChange(
          this.prisma.pool,
          snapshot,
          { status: 'approved', statusReason: null },
          { action: 'check_publish', actorId: null, reason },
          [this.doneEffect(check)],
        ),
      );
    }
    if (outcome.action === 'hold') {
      const rule = 'failure' in outcome ? outcome.failure : (outcome.model ?? 'classifier');
      return this.hold(check, facts, `classifier: ${outcome.reason}`, labels, rule);
    }
    const reason = await this.prisma.decisionReason.findFirst({
      where: {
        OR: [{ label: { equals: outcome.reason, mode: 'insensitive' } }, ...(isUuid(outcome.reason) ? [{ id: outcome.reason }] : [])],
      },
      select: { label: true, statement: true, appliesTo: true },
    });
    if (!reason) {
      const why = `classifier: refused for "${outcome.reason}", which is not one of the newsroom's decision reasons; held for a moderator`;
      return this.hold(check, facts, why, labels, outcome.model ?? 'classifier');
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
          this.doneEffect(check),
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
  ): Promise<string | null> {
    const replace = reason !== null && facts.hold_source === null;
    const auditReason = reason ?? `classifier: no objection${labels.length ? ` (${labels.join(', ')})` : ''}; waits for a moderator`;
    const effects: StateEffect[] = [
      this.doneEffect(check),
      {
        name: 'check_hold',
        sql: (p) => `INSERT INTO comment_holds (comment_id, source, rule, matched, labels, created_at)
          SELECT d.id, 'classifier', ${p.p(rule, 'text')}, ARRAY[]::text[], ${p.p(labels, 'text[]')}, now() FROM changed d
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

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
