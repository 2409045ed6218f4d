import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import type { Page } from '../common/openapi/page.dto.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { isModerator } from '../comment-core/comment-policy.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { AppealDto, StatementOfReasonsDto } from './dto/decision.dto.js';
import { StatementPolicy } from './statement-policy.js';
import type {
  AutomatedDecision,
  DecisionAccount,
  DecisionGround,
  DecisionProvision,
  DecisionVisibility,
  Keyword,
  SourceType,
  StatementCategory,
} from './transparency-database.js';

export const OTHER_REDRESS =
  "You may also turn to a certified out-of-court dispute settlement body (DSA Art. 21; the list is on the European Commission's website) or to the courts.";

const AUTHOR_WARNING =
  'Several of your comments were found manifestly illegal. If this continues, your account will be suspended for a period (DSA Art. 23(1)).';

export const decisionNotFound = () => AppError.notFound('DECISION_NOT_FOUND', 'No such decision, or it does not concern you');

export const appealSelect = {
  id: true,
  statementId: true,
  status: true,
  explanation: true,
  outcomeExplanation: true,
  createdAt: true,
  decidedAt: true,
} satisfies Prisma.AppealSelect;

export const decisionInclude = {
  comment: { select: { id: true, article: { select: { slug: true } } } },
  appeals: { select: appealSelect, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  triggered: { where: { kind: 'author_warning' }, select: { createdAt: true }, take: 1 },
} satisfies Prisma.StatementOfReasonsInclude;

export type DecisionRow = Prisma.StatementOfReasonsGetPayload<{ include: typeof decisionInclude }>;

export function toAppealView(a: Prisma.AppealGetPayload<{ select: typeof appealSelect }>): AppealDto {
  return {
    id: a.id,
    decisionId: a.statementId,
    status: a.status,
    explanation: a.explanation,
    outcomeExplanation: a.outcomeExplanation,
    createdAt: a.createdAt.toISOString(),
    decidedAt: a.decidedAt?.toISOString() ?? null,
  };
}

/**
 * Statements of reasons as their recipients read them (GET /api/me/decisions, a comment's own view) and as staff
 * read them (the appeals queue): every Transparency Database field, the appeals, and the redress still open.
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly policy: StatementPolicy,
  ) {}

  /** The decisions concerning the caller, newest first. */
  async mine(user: AuthUser, q: { limit: number; cursor?: string }): Promise<Page<StatementOfReasonsDto>> {
    const after = decodeCursor(q.cursor);
    const rows = await this.prisma.statementOfReasons.findMany({
      where: {
        userId: user.id,
        ...(after && { OR: [{ createdAt: { lt: after.t } }, { createdAt: after.t, id: { lt: after.id } }] }),
      },
      include: decisionInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => this.toView(r)),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** One decision: for the recipient, or for staff. */
  async get(id: string, viewer: AuthUser): Promise<StatementOfReasonsDto> {
    const row = await this.prisma.statementOfReasons.findUnique({ where: { id }, include: decisionInclude });
    if (!row || (row.userId !== viewer.id && !isModerator(viewer))) throw decisionNotFound();
    return this.toView(row);
  }

  /** The latest statement about a comment, shown to its author with the comment. */
  async latestForComment(commentId: string): Promise<StatementOfReasonsDto | null> {
    const row = await this.prisma.statementOfReasons.findFirst({
      where: { commentId },
      include: decisionInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return row ? this.toView(row) : null;
  }

  /** The last moment this decision can be appealed: DSA_APPEAL_WINDOW_MONTHS calendar months after it. */
  appealDeadline(createdAt: Date): Date {
    const d = new Date(createdAt);
    d.setUTCMonth(d.getUTCMonth() + this.policy.appealWindowMonths);
    return d;
  }

  toView(s: DecisionRow): StatementOfReasonsDto {
    const deadline = this.appealDeadline(s.createdAt);
    const appealable = s.userId !== null && s.reversedAt === null && deadline > new Date();
    return {
      id: s.id,
      puid: s.puid,
      action: s.action,
      commentRef: s.comment ? { id: s.comment.id, articleSlug: s.comment.article.slug } : null,
      decisionVisibility: s.decisionVisibility as DecisionVisibility[],
      decisionAccount: s.decisionAccount as DecisionAccount | null,
      decisionProvision: s.decisionProvision as DecisionProvision | null,
      restrictionEndsAt: s.restrictionEndsAt?.toISOString() ?? null,
      decisionGround: s.decisionGround as DecisionGround,
      decisionGroundReferenceUrl: s.decisionGroundReferenceUrl,
      illegalContentLegalGround: s.illegalContentLegalGround,
      illegalContentExplanation: s.illegalContentExplanation,
      incompatibleContentGround: s.incompatibleContentGround,
      incompatibleContentExplanation: s.incompatibleContentExplanation,
      incompatibleContentIllegal: s.incompatibleContentIllegal,
      category: s.category as StatementCategory,
      categorySpecification: s.categorySpecification as Keyword[],
      decisionFacts: s.decisionFacts,
      sourceType: s.sourceType as SourceType,
      automatedDetection: s.automatedDetection,
      automatedDecision: s.automatedDecision as AutomatedDecision,
      territorialScope: s.territorialScope,
      manifestlyIllegal: s.manifestlyIllegal,
      createdAt: s.createdAt.toISOString(),
      reversedAt: s.reversedAt?.toISOString() ?? null,
      reversedBy: s.reversedBy as 'appeal' | 'moderation' | null,
      misuseWarning: s.triggered[0] ? { issuedAt: s.triggered[0].createdAt.toISOString(), message: AUTHOR_WARNING } : null,
      appeals: s.appeals.map(toAppealView),
      redress: {
        appealUntil: appealable ? deadline.toISOString() : null,
        appealUrl: appealable ? `/api/decisions/${s.id}/appeals` : null,
        otherRedress: OTHER_REDRESS,
      },
    };
  }
}
