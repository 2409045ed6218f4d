import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { StatementPolicy } from '../dsa/statement-policy.js';
import type { StatementFieldsDto } from '../dsa/dto/statement-fields.dto.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CreateDecisionReasonDto, DecisionReasonDto, ReasonKind, UpdateDecisionReasonDto } from './decision-reason.dto.js';

const MAX_REASONS = 200;

const reasonSelect = {
  id: true,
  label: true,
  description: true,
  appliesTo: true,
  statement: true,
  position: true,
  updatedAt: true,
} satisfies Prisma.DecisionReasonSelect;

type ReasonRow = Prisma.DecisionReasonGetPayload<{ select: typeof reasonSelect }>;

const toView = (r: ReasonRow): DecisionReasonDto => ({
  id: r.id,
  label: r.label,
  description: r.description,
  appliesTo: r.appliesTo as ReasonKind[],
  statement: r.statement as StatementFieldsDto,
  position: r.position,
  updatedAt: r.updatedAt.toISOString(),
});

export const reasonNotFound = () => AppError.notFound('DECISION_REASON_NOT_FOUND', 'No decision reason with this id');

/** What a decision request carries that a reason can fill in. */
export interface ReasonedDecision {
  reasonId?: string;
  reason?: string;
  statement?: StatementFieldsDto;
}

/**
 * The newsroom's decision reasons (admin-managed): each stands for the statement-of-reasons fields the API writes
 * with a restricting decision (DSA Art. 17), so a moderator picks "Personal attack" instead of filling in the
 * Transparency Database's fields. Decisions name one with `reasonId` (moderation.service.ts, user-bans.service.ts).
 */
@Injectable()
export class DecisionReasonsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly policy: StatementPolicy,
  ) {}

  async list(): Promise<DecisionReasonDto[]> {
    const rows = await this.prisma.decisionReason.findMany({
      orderBy: [{ position: 'asc' }, { label: 'asc' }],
      take: MAX_REASONS,
      select: reasonSelect,
    });
    return rows.map(toView);
  }

  async get(id: string): Promise<DecisionReasonDto> {
    const row = await this.prisma.decisionReason.findUnique({ where: { id }, select: reasonSelect });
    if (!row) throw reasonNotFound();
    return toView(row);
  }

  async create(actorId: string, dto: CreateDecisionReasonDto): Promise<DecisionReasonDto> {
    this.check(dto.statement, dto.label);
    return this.write(actorId, 'reason_add', dto.label, async (tx) =>
      tx.decisionReason.create({
        data: {
          label: dto.label,
          description: dto.description ?? null,
          appliesTo: dto.appliesTo,
          statement: this.json(dto.statement),
          position: dto.position ?? 0,
        },
        select: reasonSelect,
      }),
    );
  }

  async update(actorId: string, id: string, dto: UpdateDecisionReasonDto): Promise<DecisionReasonDto> {
    const current = await this.get(id);
    if (dto.statement) this.check(dto.statement, dto.label ?? current.label);
    return this.write(actorId, 'reason_update', dto.label ?? current.label, async (tx) => {
      const [row] = await tx.decisionReason.updateManyAndReturn({
        where: { id },
        data: {
          ...(dto.label !== undefined && { label: dto.label }),
          ...(dto.description !== undefined && { description: dto.description }),
          ...(dto.appliesTo !== undefined && { appliesTo: dto.appliesTo }),
          ...(dto.statement !== undefined && { statement: this.json(dto.statement) }),
          ...(dto.position !== undefined && { position: dto.position }),
        },
        select: reasonSelect,
      });
      if (!row) throw reasonNotFound();
      return row;
    });
  }

  async remove(actorId: string, id: string): Promise<void> {
    await this.prisma.transaction(async (tx) => {
      const removed = await tx.decisionReason.findUnique({ where: { id }, select: { label: true } });
      if (!removed) throw reasonNotFound();
      await tx.decisionReason.delete({ where: { id } });
      await tx.moderationAction.create({ data: { moderatorId: actorId, action: 'reason_remove', reason: removed.label } });
    });
  }

  /**
   * A decision that names a reason: its label becomes the decision's reason (unless one is given) and its statement
   * fields are the defaults the request's own `statement` fields override. 400 when the reason does not exist or is
   * not offered for this kind of decision.
   */
  async apply<T extends ReasonedDecision>(dto: T, kind: ReasonKind | 'approve'): Promise<T> {
    if (dto.reasonId === undefined) return dto;
    const row = await this.prisma.decisionReason.findUnique({ where: { id: dto.reasonId }, select: reasonSelect });
    if (!row || kind === 'approve' || !row.appliesTo.includes(kind)) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        {
          field: 'reasonId',
          message:
            kind === 'approve'
              ? 'a decision reason goes with restricting decisions only'
              : `reasonId must name a decision reason for ${kind}`,
        },
      ]);
    }
    // `manifestlyIllegal` is about content: a ban does not take it from the reason (it refuses it when sent).
    const { manifestlyIllegal, ...fields } = row.statement as StatementFieldsDto;
    const defaults = kind === 'ban' ? fields : { ...fields, ...(manifestlyIllegal !== undefined && { manifestlyIllegal }) };
    return { ...dto, reason: dto.reason ?? row.label, statement: { ...defaults, ...dto.statement } };
  }

  /** The fields must make a valid statement on their own (the same checks a decision runs), before they are stored. */
  private check(statement: StatementFieldsDto, label: string): void {
    this.policy.resolve(statement, { action: 'reject', decidedById: null, reason: label });
  }

  /** Stored without `undefined` keys (class-transformer leaves them on the DTO). */
  private json(statement: StatementFieldsDto): Prisma.InputJsonObject {
    return JSON.parse(JSON.stringify(statement)) as Prisma.InputJsonObject;
  }

  /** One change with its audit row; a label another reason has is 409 CONFLICT. */
  private async write(
    actorId: string,
    action: string,
    label: string,
    change: (tx: Prisma.TransactionClient) => Promise<ReasonRow>,
  ): Promise<DecisionReasonDto> {
    try {
      const row = await this.prisma.transaction(async (tx) => {
        const r = await change(tx);
        await tx.moderationAction.create({ data: { moderatorId: actorId, action, reason: label } });
        return r;
      });
      return toView(row);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw AppError.conflict('CONFLICT', `A decision reason labelled "${label}" exists already`);
      }
      throw err;
    }
  }
}
