import { Injectable, Logger } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import type { Page } from '../common/openapi/page.dto.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { applyCommentChange, type CommentChange, type CommentSnapshot } from '../comment-core/comment-state.js';
import { appendEvent, userUnbannedEvent } from '../events/domain-events.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { liftBanFrom } from '../users/account-changes.js';
import { liftStatements } from './decision-effects.js';
import { appealSelect, DecisionsService, decisionInclude, decisionNotFound, toAppealView } from './decisions.service.js';
import type { AppealDto, AppealQueueItemDto, AppealQueueQueryDto, CreateAppealDto, DecideAppealDto } from './dto/decision.dto.js';

export const appealNotFound = () => AppError.notFound('APPEAL_NOT_FOUND', 'No such appeal, or it is not yours');

/** Reversing may wait on the comment's or the account's row lock. */
const TX_OPTIONS = { timeout: 10_000 } as const;

/**
 * Appeals against statements of reasons (DSA Art. 20, the internal complaint-handling system): free, electronic,
 * open for DSA_APPEAL_WINDOW_MONTHS after the decision, one open appeal per decision. Staff decide them, never a
 * machine, and never the person who took the decision (Art. 20(6)); a reversal lifts the restriction through the
 * same paths as any other decision: the comment goes back through the transition table (counters, audit, and
 * whatever else hooks into comment-state), a ban is lifted like an unban.
 */
@Injectable()
export class AppealsService {
  private readonly logger = new Logger(AppealsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly decisions: DecisionsService,
  ) {}

  async create(user: AuthUser, decisionId: string, dto: CreateAppealDto): Promise<AppealDto> {
    const statement = await this.prisma.statementOfReasons.findUnique({
      where: { id: decisionId },
      select: { userId: true, createdAt: true, reversedAt: true },
    });
    if (!statement || statement.userId !== user.id) throw decisionNotFound();
    if (statement.reversedAt) throw AppError.conflict('DECISION_REVERSED', 'This restriction has already been lifted');
    const deadline = this.decisions.appealDeadline(statement.createdAt);
    if (deadline <= new Date())
      throw AppError.forbidden('APPEAL_WINDOW_CLOSED', `Appeals against this decision were possible until ${deadline.toISOString()}`);
    try {
      const appeal = await this.prisma.appeal.create({
        data: { statementId: decisionId, appellantId: user.id, explanation: dto.explanation },
        select: appealSelect,
      });
      this.logger.log({ msg: 'appeal received', appealId: appeal.id, decisionId });
      return toAppealView(appeal);
    } catch (err) {
      // appeals_one_open_per_statement
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw AppError.conflict('APPEAL_ALREADY_OPEN', 'This decision already has an open appeal; wait for its outcome');
      }
      throw err;
    }
  }

  /** The appellant's own appeal (the Location of POST .../appeals). */
  async get(user: AuthUser, decisionId: string, appealId: string): Promise<AppealDto> {
    const appeal = await this.prisma.appeal.findFirst({
      where: { id: appealId, statementId: decisionId, appellantId: user.id },
      select: appealSelect,
    });
    if (!appeal) throw appealNotFound();
    return toAppealView(appeal);
  }

  /** The queue: open appeals oldest first (answer them in order), decided ones newest first. */
  async list(q: AppealQueueQueryDto): Promise<Page<AppealQueueItemDto>> {
    const after = decodeCursor(q.cursor);
    const asc = q.status === 'open';
    const rows = await this.prisma.appeal.findMany({
      where: {
        status: q.status,
        ...(after && {
          OR: asc
            ? [{ createdAt: { gt: after.t } }, { createdAt: after.t, id: { gt: after.id } }]
            : [{ createdAt: { lt: after.t } }, { createdAt: after.t, id: { lt: after.id } }],
        }),
      },
      select: {
        ...appealSelect,
        appellant: { select: { id: true, username: true } },
        statement: {
          include: {
            ...decisionInclude,
            decidedBy: { select: { id: true, username: true } },
            comment: { select: { id: true, body: true, article: { select: { slug: true } } } },
          },
        },
      },
      orderBy: asc ? [{ createdAt: 'asc' }, { id: 'asc' }] : [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        appeal: toAppealView(r),
        decision: this.decisions.toView(r.statement),
        appellant: r.appellant,
        decidedBy: r.statement.decidedBy,
        commentBody: r.statement.comment?.body ?? null,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /**
   * A member of staff decides an appeal. Upheld: the decision stands. Reversed: the restriction is lifted (comment
   * restored and approved, ban or hold ended) in the same transaction as the outcome and its audit row.
   */
  async decide(actor: AuthUser, appealId: string, dto: DecideAppealDto): Promise<AppealDto> {
    await this.prisma.transaction(async (tx) => {
      const [appeal] = await tx.$queryRaw<{ status: string; statement_id: string; appellant_id: string | null }[]>`
        SELECT status::text AS status, statement_id, appellant_id FROM appeals WHERE id = ${appealId}::uuid FOR UPDATE`;
      if (!appeal) throw appealNotFound();
      if (appeal.status !== 'open') throw AppError.conflict('APPEAL_ALREADY_DECIDED', 'This appeal has already been decided');
      const statement = await tx.statementOfReasons.findUniqueOrThrow({
        where: { id: appeal.statement_id },
        select: {
          id: true,
          action: true,
          commentId: true,
          userId: true,
          decidedById: true,
          reversedAt: true,
          createdAt: true,
          decisionVisibility: true,
        },
      });
      if (statement.decidedById === actor.id) {
        throw AppError.forbidden('APPEAL_SAME_DECIDER', 'You took this decision: another member of staff must decide the appeal');
      }
      // Nobody decides their own appeal, nor one about their account or their comment (DSA Art. 20(6)).
      const author = statement.commentId
        ? await tx.comment.findUnique({ where: { id: statement.commentId }, select: { authorId: true } })
        : null;
      if ([appeal.appellant_id, statement.userId, author?.authorId].includes(actor.id)) {
        throw AppError.forbidden('OWN_CASE', 'This appeal concerns you or your content: another member of staff must decide it');
      }
      const now = new Date();
      await tx.appeal.update({
        where: { id: appealId },
        data: { status: dto.outcome, outcomeExplanation: dto.explanation, decidedById: actor.id, decidedAt: now },
      });
      const details = { appealId, decisionId: statement.id };
      if (dto.outcome === 'reversed' && !statement.reversedAt) await this.reverse(tx, actor, statement, dto.explanation, now);
      await appendAudit(tx, {
        action: dto.outcome === 'reversed' ? 'appeal_reverse' : 'appeal_uphold',
        actorId: actor.id,
        commentId: statement.commentId,
        targetUserId: statement.userId,
        reason: dto.explanation,
        details,
      });
    }, TX_OPTIONS);
    this.logger.log({ msg: 'appeal decided', appealId, moderatorId: actor.id, outcome: dto.outcome });
    const appeal = await this.prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: appealSelect });
    return toAppealView(appeal);
  }

  /** Lifts what the statement restricted. */
  private async reverse(
    tx: Prisma.TransactionClient,
    actor: AuthUser,
    s: { id: string; action: string; commentId: string | null; userId: string | null; createdAt: Date; decisionVisibility: string[] },
    explanation: string,
    now: Date,
  ): Promise<void> {
    if (s.commentId && s.decisionVisibility.length) {
      const [row] = await tx.$queryRaw<(CommentSnapshot & { deletedById: string | null; erased: boolean })[]>`
        SELECT id, article_id AS "articleId", author_id AS "authorId", status::text AS status, deleted_at AS "deletedAt", version,
               deleted_by_id AS "deletedById", body = '' AS erased
        FROM comments WHERE id = ${s.commentId}::uuid FOR UPDATE`;
      if (row) {
        const { deletedById, erased, ...before } = row;
        // Removed by staff: restored. Deleted by its own author: that stays their choice. Erased with its author's
        // account (GDPR): there are no words left to restore.
        const restore = before.deletedAt !== null && s.action === 'delete' && deletedById !== before.authorId && !erased;
        const approve = before.status !== 'approved' && (before.deletedAt === null || restore);
        if (restore || approve) {
          // Through the transition table's statement: counters, the audit row and the lifting of the comment's statements together.
          const change: CommentChange = {
            ...(restore && { restore: true as const }),
            ...(approve && { status: 'approved' as const, statusReason: null }),
          };
          await applyCommentChange(tx, before, change, { action: 'appeal_restore', actorId: actor.id, reason: explanation }, [
            liftStatements('appeal'),
          ]);
          return;
        }
      }
    }
    if (s.userId && (s.action === 'ban' || s.action === 'misuse_suspension')) {
      // Lift the ban this statement explains (not a later one).
      const lifted = await liftBanFrom(tx, s.userId, s.createdAt);
      if (lifted[0]) {
        await appendAudit(tx, {
          action: 'unban',
          actorId: actor.id,
          targetUserId: s.userId,
          reason: `appeal: ${explanation}`.slice(0, 500),
        });
        await appendEvent(tx, userUnbannedEvent(lifted[0]));
      }
    }
    await tx.misuseMeasure.updateMany({ where: { statementId: s.id, liftedAt: null }, data: { liftedAt: now } });
    // Only if nothing lifted it meanwhile (a moderator's later decision on the comment records its own reversal).
    await tx.statementOfReasons.updateMany({ where: { id: s.id, reversedAt: null }, data: { reversedAt: now, reversedBy: 'appeal' } });
  }
}
