import { Injectable, Logger } from '@nestjs/common';
import { articleNotFound } from '../articles/articles.service.js';
import { AppError } from '../common/errors/app-error.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { commentNotFound } from '../comment-core/comment-policy.js';
import { applyCommentChanges, type CommentSnapshot, decideComment, lockComments, type StateEffect } from '../comment-core/comment-state.js';
import { transitionError } from '../comment-core/transitions.js';
import type { Db } from '../database/db.js';
import { approvalEffects, restrictionEffects } from '../dsa/decision-effects.js';
import { MisuseService } from '../dsa/misuse.service.js';
import { type ResolvedStatement, StatementPolicy } from '../dsa/statement-policy.js';
import type { StatementFieldsDto } from '../dsa/dto/statement-fields.dto.js';
import { CommentChecksService } from '../comments/comment-checks.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { BulkDecisionDto, DecisionDto, DecisionStatus } from './dto/decision.dto.js';
import type { QueueQueryDto } from './dto/queue.dto.js';
import { ModerationQueueRepository, oldestOpenNotice } from './moderation-queue.repository.js';
import { toAdminCommentView, toQueueItem } from './moderation.mapper.js';
import type { AdminCommentDto, BulkResultDto, QueueItemDto, QueueSummaryDto } from './dto/moderation-response.dto.js';
import type { Page } from '../common/openapi/page.dto.js';
import { DecisionReasonsService } from '../decision-reasons/decision-reasons.service.js';
import { conflictDetail, currentDecisions, type CurrentDecisionDto } from './last-decision.js';

/** Which decision reasons a status takes (src/decision-reasons). */
const reasonKind = (status: DecisionStatus) => (status === 'approved' ? 'approve' : status === 'spam' ? 'spam' : 'reject');

/** Up to 500 comments, their row locks and their statements of reasons: more than the default transaction time. */
const BULK_TX = { timeout: 30_000 };

/** Audit action recorded for each decision. */
const DECISION_ACTION: Record<DecisionStatus, string> = { approved: 'approve', rejected: 'reject', spam: 'spam' };

/** What notifiers are told when a moderator approves a comment they sent a notice about, without a reason. */
const KEPT = "A moderator reviewed the comment and found it neither illegal nor against the site's rules.";

export type BulkResult =
  | { id: string; ok: true; status: DecisionStatus }
  | {
      id: string;
      ok: false;
      error: {
        code: 'COMMENT_NOT_FOUND' | 'INVALID_TRANSITION' | 'VERSION_CONFLICT' | 'OWN_CASE';
        message: string;
        current?: CurrentDecisionDto;
      };
    };

const OWN_COMMENT = 'This is your own comment: another member of staff must decide it';
/** Staff never decide a case about their own comment (the author of a comment never changes, so a read is enough). */
export const ownComment = () => AppError.forbidden('OWN_CASE', OWN_COMMENT);

@Injectable()
export class ModerationService {
  private readonly logger = new Logger(ModerationService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: ModerationQueueRepository,
    private readonly policy: StatementPolicy,
    private readonly misuse: MisuseService,
    private readonly reasons: DecisionReasonsService,
    private readonly checks: CommentChecksService,
  ) {}

  async list(q: QueueQueryDto): Promise<Page<QueueItemDto>> {
    const after = decodeCursor(q.cursor);
    let articleId: string | undefined;
    if (q.article) {
      const article = await this.prisma.article.findUnique({ where: { slug: q.article }, select: { id: true } });
      if (!article) throw articleNotFound(q.article);
      articleId = article.id;
    }
    const rows = await this.queue.page({
      status: q.status,
      articleId,
      authorId: q.author,
      q: q.q,
      holdSource: q.holdSource,
      after,
      limit: q.limit,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { items: page.map(toQueueItem), nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  async summary(): Promise<QueueSummaryDto> {
    const [{ oldestPendingAt, oldestPendingAgeSeconds, ...counts }, notice] = await Promise.all([
      this.queue.counts(),
      oldestOpenNotice(this.prisma),
    ]);
    return {
      counts,
      oldestPending: oldestPendingAt ? { createdAt: oldestPendingAt.toISOString(), ageSeconds: oldestPendingAgeSeconds ?? 0 } : null,
      oldestOpenNotice: notice ? { receivedAt: notice.receivedAt.toISOString(), ageSeconds: notice.ageSeconds } : null,
    };
  }

  /**
   * One decision in one statement (comment-state.ts decideComment): read, check the transition table and the
   * version the moderator saw, then change the status with its counters and audit row. Of two moderators deciding
   * at once exactly one wins; the other gets 409 VERSION_CONFLICT.
   */
  async decide(actorId: string, id: string, request: DecisionDto): Promise<AdminCommentDto> {
    // A decision reason (src/decision-reasons) fills in the reason and the statement's fields.
    const dto = await this.reasons.apply(request, reasonKind(request.status));
    const { effects, statement } = this.dsaEffects(actorId, dto.status, dto.reason, dto.statement);
    const run = (db: Db) =>
      decideComment(
        db,
        id,
        dto.status,
        {
          reason: dto.reason ?? null,
          expectedVersion: dto.version,
          audit: { action: DECISION_ACTION[dto.status], actorId, reason: dto.reason },
          notByAuthor: actorId,
        },
        effects,
      );
    // Content found manifestly illegal may warn or suspend its author (DSA Art. 23): in the decision's own transaction.
    const outcome = statement?.manifestlyIllegal
      ? await this.prisma.transaction(async (tx) => {
          const o = await run(tx);
          if (o.decided) await this.misuse.afterManifestlyIllegal(tx, [o.decided.authorId], actorId);
          return o;
        })
      : await run(this.prisma.pool);
    if (!outcome.current) throw commentNotFound();
    if (!outcome.decided && outcome.current.authorId === actorId) throw ownComment();
    if (!outcome.decided) {
      if (dto.version === undefined || dto.version === outcome.current.version) {
        const refused = transitionError(outcome.current, dto.status);
        if (refused) throw refused;
      }
      // A stale version, or a change that committed while this decision waited for the row: say who and what.
      const current = (await currentDecisions(this.prisma.pool, [id])).get(id);
      throw AppError.conflict(
        'VERSION_CONFLICT',
        'The comment was changed by someone else; reload it and try again',
        current ? [conflictDetail(current)] : undefined,
      );
    }
    this.logger.log({ msg: 'comment moderated', commentId: id, moderatorId: actorId, status: dto.status });
    // Overruling the spam service tells it (submit-ham / submit-spam), after the decision, without waiting.
    void this.checks.afterDecision([id], dto.status);
    return toAdminCommentView(outcome.decided);
  }

  /**
   * Many decisions in one transaction: unknown ids and impossible transitions are reported and skipped, the rest
   * commit together or not at all. The rows are locked up front (in id order, so concurrent bulks cannot
   * deadlock), which also means no version can change under us; applyCommentChanges then updates them, their
   * counters and their audit rows in one statement (five round trips for up to 500 comments).
   */
  async bulk(actorId: string, request: BulkDecisionDto): Promise<BulkResultDto> {
    const dto = await this.reasons.apply(request, reasonKind(request.status));
    if (dto.versions && dto.versions.length !== dto.ids.length) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'versions', message: 'versions must have one entry per id, in the same order' },
      ]);
    }
    // One statement of reasons per comment (the same fields for each), in the batch's own statement.
    const { effects, statement } = this.dsaEffects(actorId, dto.status, dto.reason, dto.statement);
    const results = await this.prisma.transaction(async (tx) => {
      const byId = new Map((await lockComments(tx, dto.ids)).map((c) => [c.id, c]));
      // Read at another version than the moderator saw: skipped, with who changed it (the rows are locked now).
      const stale = dto.ids.filter((id, i) => dto.versions && byId.has(id) && byId.get(id)!.version !== dto.versions[i]);
      const current = await currentDecisions(tx, stale);
      const todo: CommentSnapshot[] = [];
      const outcome = dto.ids.map((id): BulkResult => {
        const before = byId.get(id);
        const now = current.get(id);
        if (now) return { id, ok: false, error: { code: 'VERSION_CONFLICT', message: 'Changed since it was read', current: now } };
        if (before?.authorId === actorId) return { id, ok: false, error: { code: 'OWN_CASE', message: OWN_COMMENT } };
        const error = before ? transitionError(before, dto.status) : commentNotFound();
        // transitionError and commentNotFound only make these two codes.
        if (error)
          return { id, ok: false, error: { code: error.code as 'COMMENT_NOT_FOUND' | 'INVALID_TRANSITION', message: error.message } };
        todo.push(before!);
        return { id, ok: true, status: dto.status };
      });
      await applyCommentChanges(
        tx,
        todo,
        { status: dto.status, statusReason: dto.reason ?? null },
        { action: DECISION_ACTION[dto.status], actorId, reason: dto.reason },
        effects,
      );
      if (statement?.manifestlyIllegal)
        await this.misuse.afterManifestlyIllegal(
          tx,
          todo.map((c) => c.authorId),
          actorId,
        );
      return outcome;
    }, BULK_TX);
    const applied = results.filter((r) => r.ok).length;
    void this.checks.afterDecision(
      results.filter((r) => r.ok).map((r) => r.id),
      dto.status,
    );
    this.logger.log({ msg: 'bulk moderation', moderatorId: actorId, status: dto.status, requested: dto.ids.length, applied });
    return { results, applied, failed: results.length - applied };
  }

  /**
   * The DSA side of a decision (src/dsa/decision-effects.ts): a restriction gets its statement of reasons and closes
   * the notices about the comment as acted upon; an approval closes them without action and lifts the restrictions
   * still in force on it.
   */
  private dsaEffects(
    actorId: string,
    status: DecisionStatus,
    reason: string | undefined,
    fields: StatementFieldsDto | undefined,
  ): { effects: StateEffect[]; statement?: ResolvedStatement } {
    if (status === 'approved') {
      if (fields)
        throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
          { field: 'statement', message: 'a statement of reasons goes with rejected or spam only' },
        ]);
      return { effects: approvalEffects(actorId, reason ?? KEPT) };
    }
    const statement = this.policy.resolve(fields, { action: status === 'spam' ? 'spam' : 'reject', decidedById: actorId, reason });
    return { effects: restrictionEffects(statement), statement };
  }
}
