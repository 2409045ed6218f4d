import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError, type ErrorDetail } from '../common/errors/app-error.js';
import { commentNotFound } from '../comment-core/comment-policy.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CreateNoticeDto, DismissNoticeDto, NoticeDto, NoticeFieldsDto, NoticeReceiptDto } from './dto/notice.dto.js';
import { MisuseService } from './misuse.service.js';
import { ANONYMOUS_NOTICE_KEYWORDS, type Keyword, type StatementCategory } from './transparency-database.js';

/** Redress open to a notifier (Art. 16(5)): this service has no complaint route for notifiers yet (README "Legal duties"). */
export const NOTIFIER_REDRESS =
  "You may turn to a certified out-of-court dispute settlement body (DSA Art. 21; the list is on the European Commission's website) or to the courts.";

const NOTIFIER_WARNING =
  'Several of your notices were found manifestly unfounded. If this continues, your notices will not be processed for a period (DSA Art. 23(2)).';

export const noticeNotFound = () => AppError.notFound('NOTICE_NOT_FOUND', 'No such notice, or the Notice-Key does not match it');

/** A notice read for its notifier: the notice, the statement it led to, the warning it caused. */
const noticeViewInclude = {
  statement: {
    select: {
      decisionGround: true,
      illegalContentLegalGround: true,
      illegalContentExplanation: true,
      incompatibleContentGround: true,
      incompatibleContentExplanation: true,
      automatedDecision: true,
    },
  },
  warnings: { where: { kind: 'notifier_warning' }, select: { createdAt: true }, take: 1 },
} satisfies Prisma.NoticeInclude;

type NoticeRow = Prisma.NoticeGetPayload<{ include: typeof noticeViewInclude }>;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** The 201 of POST /api/notices and POST .../reports (with a notice): the whole NoticeDto plus, once, its key. */
export interface NewNotice {
  id: string;
  accessKey: string;
}

/**
 * Notices of illegal content (DSA Art. 16): anyone may send one, signed in or not. Each one is confirmed at once
 * (the receipt), puts its comment into the moderation queue's "noticed" view (without hiding it: a notice is an
 * allegation, not a decision), and keeps the comment from being approved automatically until a moderator decides.
 * The decision reaches the notifier through GET /api/notices/:noticeId with the access key from the receipt.
 */
@Injectable()
export class NoticesService {
  private readonly logger = new Logger(NoticesService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly misuse: MisuseService,
  ) {}

  async submit(dto: CreateNoticeDto, viewer?: AuthUser): Promise<NoticeReceiptDto> {
    const created = await this.prisma.transaction((tx) =>
      this.create(
        tx,
        { ...dto, commentId: dto.commentId, explanation: dto.explanation, name: dto.notifierName, email: dto.notifierEmail },
        viewer,
      ),
    );
    return { notice: await this.view(created.id), accessKey: created.accessKey };
  }

  /**
   * Files a notice inside the caller's transaction (a report flagged as a notice shares the report's). The comment
   * row is locked first, so the duplicate check and the insert see every notice about it.
   */
  async create(
    tx: Prisma.TransactionClient,
    n: NoticeFieldsDto & { commentId: string; explanation: string; name?: string; email?: string; reportId?: string },
    viewer?: AuthUser,
  ): Promise<NewNotice> {
    const [comment] = await tx.$queryRaw<{ author_id: string }[]>`
      SELECT author_id FROM comments WHERE id = ${n.commentId}::uuid AND status = 'approved' AND deleted_at IS NULL FOR UPDATE`;
    // Only what readers can see can be noticed; anything else looks like a comment that does not exist.
    if (!comment) throw commentNotFound();
    if (viewer && comment.author_id === viewer.id)
      throw AppError.forbidden('CANNOT_REPORT_OWN_COMMENT', 'You cannot send a notice about your own comment');
    const spec = n.categorySpecification ?? [];
    const contact = await this.contact(tx, n, spec, viewer);
    const key = this.misuse.notifierKey({ userId: viewer?.id, email: contact.email });
    const holdUntil = await this.misuse.holdUntil(tx, key);
    if (holdUntil) {
      throw AppError.forbidden(
        'NOTIFIER_ON_HOLD',
        `Your notices are not processed until ${holdUntil.toISOString()}: too many of them were manifestly unfounded (DSA Art. 23(2))`,
      );
    }
    if (key && (await tx.notice.count({ where: { commentId: n.commentId, notifierKey: key, status: 'open' } }))) {
      throw AppError.conflict('DUPLICATE_NOTICE', 'You already have an open notice about this comment');
    }
    const accessKey = `nk_${randomBytes(24).toString('base64url')}`;
    const notice = await tx.notice.create({
      data: {
        commentId: n.commentId,
        reportId: n.reportId,
        category: n.category,
        categorySpecification: spec,
        explanation: n.explanation,
        goodFaith: n.goodFaith,
        notifierUserId: viewer?.id ?? null,
        notifierName: contact.name,
        notifierEmail: contact.email,
        notifierKey: key,
        accessKeyHash: sha256(accessKey).toString('hex'),
      },
      select: { id: true },
    });
    this.logger.log({ msg: 'notice received', noticeId: notice.id, commentId: n.commentId, category: n.category });
    return { id: notice.id, accessKey };
  }

  /**
   * Name and email (Art. 16(2)(c)): as sent, else the signed-in reader's own; required unless the notice names a
   * child sexual abuse keyword (Directive 2011/93/EU, Articles 3 to 7).
   */
  private async contact(tx: Prisma.TransactionClient, n: { name?: string; email?: string }, spec: readonly Keyword[], viewer?: AuthUser) {
    let name = n.name ?? null;
    let email = n.email?.trim() ?? null;
    if (viewer && (!name || !email)) {
      const account = await tx.user.findUnique({ where: { id: viewer.id }, select: { displayName: true, username: true, email: true } });
      name ??= account?.displayName ?? account?.username ?? null;
      email ??= account?.email ?? null;
    }
    if (!spec.some((k) => ANONYMOUS_NOTICE_KEYWORDS.includes(k))) {
      const missing: ErrorDetail[] = [];
      if (!name)
        missing.push({
          field: 'notifierName',
          message: 'notifierName is required (DSA Art. 16(2)(c)), except for notices of child sexual abuse material',
        });
      if (!email)
        missing.push({
          field: 'notifierEmail',
          message: 'notifierEmail is required (DSA Art. 16(2)(c)), except for notices of child sexual abuse material',
        });
      if (missing.length) throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', missing);
    }
    return { name, email };
  }

  /** The notifier's view: with the access key from the receipt, or signed in as the notifier. */
  async read(id: string, accessKey: string | undefined, viewer?: AuthUser): Promise<NoticeDto> {
    const row = await this.prisma.notice.findUnique({ where: { id }, include: noticeViewInclude });
    if (!row) throw noticeNotFound();
    const byKey = accessKey !== undefined && timingSafeEqual(sha256(accessKey), Buffer.from(row.accessKeyHash, 'hex'));
    const byAccount = viewer !== undefined && row.notifierUserId === viewer.id;
    if (!byKey && !byAccount) throw noticeNotFound();
    return toNoticeView(row);
  }

  async view(id: string): Promise<NoticeDto> {
    return toNoticeView(await this.prisma.notice.findUniqueOrThrow({ where: { id }, include: noticeViewInclude }));
  }

  /**
   * A moderator decides that a notice leads to no action (the comment stays); with `manifestlyUnfounded` it counts
   * towards the notifier's hold (Art. 23(2)). Audited, in one transaction with the misuse check.
   */
  async dismiss(actor: AuthUser, id: string, dto: DismissNoticeDto): Promise<NoticeDto> {
    await this.prisma.transaction(async (tx) => {
      const [notice] = await tx.$queryRaw<
        { id: string; comment_id: string; status: string; notifier_key: string | null; notifier_user_id: string | null }[]
      >`
        SELECT id, comment_id, status::text AS status, notifier_key, notifier_user_id FROM notices WHERE id = ${id}::uuid FOR UPDATE`;
      if (!notice) throw noticeNotFound();
      if (notice.status !== 'open') throw AppError.conflict('NOTICE_ALREADY_DECIDED', 'This notice has already been decided');
      const comment = await tx.comment.findUnique({ where: { id: notice.comment_id }, select: { authorId: true } });
      if (comment?.authorId === actor.id) {
        throw AppError.forbidden('OWN_CASE', 'This notice is about your own comment: another member of staff must decide it');
      }
      const manifestlyUnfounded = dto.manifestlyUnfounded ?? false;
      await tx.notice.update({
        where: { id },
        data: {
          status: 'decided',
          outcome: 'no_action',
          decisionExplanation: dto.explanation,
          manifestlyUnfounded,
          decidedById: actor.id,
          decidedAt: new Date(),
        },
      });
      await appendAudit(tx, {
        action: 'notice_dismiss',
        actorId: actor.id,
        commentId: notice.comment_id,
        reason: dto.explanation,
        details: { noticeId: id, manifestlyUnfounded },
      });
      if (manifestlyUnfounded)
        await this.misuse.afterUnfoundedNotice(
          tx,
          { id, notifierKey: notice.notifier_key, notifierUserId: notice.notifier_user_id },
          actor.id,
        );
    });
    this.logger.log({ msg: 'notice dismissed', noticeId: id, moderatorId: actor.id });
    return this.view(id);
  }
}

export function toNoticeView(n: NoticeRow): NoticeDto {
  return {
    id: n.id,
    status: n.status === 'open' ? 'received' : 'decided',
    receivedAt: n.receivedAt.toISOString(),
    commentId: n.commentId,
    category: n.category as StatementCategory,
    categorySpecification: n.categorySpecification as Keyword[],
    decision:
      n.outcome && n.decidedAt
        ? { outcome: n.outcome, decidedAt: n.decidedAt.toISOString(), ...outcomeText(n), redress: NOTIFIER_REDRESS }
        : null,
    warning: n.warnings[0] ? { issuedAt: n.warnings[0].createdAt.toISOString(), message: NOTIFIER_WARNING } : null,
  };
}

function outcomeText(n: NoticeRow): { explanation: string; automatedDecision: boolean } {
  const s = n.statement;
  if (n.outcome === 'action_taken' && s) {
    const illegal = s.decisionGround === 'DECISION_GROUND_ILLEGAL_CONTENT';
    const ground = illegal
      ? `illegal content (${s.illegalContentLegalGround})`
      : `incompatible with the site's rules (${s.incompatibleContentGround})`;
    const why = illegal ? s.illegalContentExplanation : s.incompatibleContentExplanation;
    return {
      explanation: `The comment was removed as ${ground}: ${why}`,
      automatedDecision: s.automatedDecision !== 'AUTOMATED_DECISION_NOT_AUTOMATED',
    };
  }
  if (n.outcome === 'content_unavailable')
    return { explanation: 'The comment was deleted by its author before a decision was needed.', automatedDecision: false };
  return { explanation: n.decisionExplanation ?? 'A moderator reviewed the comment and kept it.', automatedDecision: false };
}
