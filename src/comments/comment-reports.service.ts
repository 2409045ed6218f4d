import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import type { NoticeDto } from '../dsa/dto/notice.dto.js';
import { NoticesService } from '../dsa/notices.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { commentNotFound } from '../comment-core/comment-policy.js';
import { applyCommentChange } from '../comment-core/comment-state.js';
import { countReport } from '../comment-core/report-count.js';
import { holdEffect } from '../holds/comment-holds.js';
import type { ReportDto } from './dto/comment-response.dto.js';
import type { ReportCommentDto } from './dto/report-comment.dto.js';

/** A report may wait for the comment's row lock held by a moderator's decision: more than the default 5 s. */
const TX_OPTIONS = { timeout: 10_000 } as const;

const reportSelect = { id: true, commentId: true, reason: true, createdAt: true } satisfies Prisma.CommentReportSelect;

@Injectable()
export class CommentReportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly notices: NoticesService,
  ) {}

  /**
   * One report per reader per published comment. The report that brings reportCount to COMMENT_REPORT_THRESHOLD
   * sends the comment back to the queue, in the same transaction. Only that crossing does: once a moderator
   * approves it again, later reports are recorded but do not hide it again.
   */
  async report(user: AuthUser, commentId: string, dto: ReportCommentDto): Promise<{ report: ReportDto; notice?: NoticeDto }> {
    const threshold = this.config.get('COMMENT_REPORT_THRESHOLD');
    try {
      const { report, noticeId } = await this.prisma.transaction(async (tx) => {
        const comment = await tx.comment.findUnique({
          where: { id: commentId },
          select: { authorId: true, status: true, deletedAt: true },
        });
        if (!comment || comment.status !== 'approved' || comment.deletedAt) throw commentNotFound();
        if (comment.authorId === user.id) throw AppError.forbidden('CANNOT_REPORT_OWN_COMMENT', 'You cannot report your own comment');
        const report = await tx.commentReport.create({
          data: { commentId, reporterId: user.id, reason: dto.reason },
          select: reportSelect,
        });
        // Atomic: of concurrent reports exactly one sees the threshold.
        const after = await countReport(tx, commentId);
        if (!after) throw commentNotFound(); // hidden or deleted meanwhile
        // Flagged as a notice of illegal content (DSA Art. 16): filed with the report, before the threshold may hide the comment.
        const notice = dto.notice
          ? await this.notices.create(tx, { ...dto.notice, commentId, explanation: dto.reason, reportId: report.id }, user)
          : undefined;
        if (after.reportCount === threshold) {
          const reason = `reported by ${threshold} readers`;
          await applyCommentChange(
            tx,
            after,
            { status: 'pending', statusReason: reason },
            { action: 'report_threshold', actorId: null, reason },
            [holdEffect({ source: 'reports', rule: 'threshold', matched: [], labels: [] })],
          );
        }
        return { report: { ...report, createdAt: report.createdAt.toISOString() }, noticeId: notice?.id };
      }, TX_OPTIONS);
      return noticeId ? { report, notice: await this.notices.view(noticeId) } : { report };
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw AppError.conflict('ALREADY_REPORTED', 'You have already reported this comment');
      }
      throw err;
    }
  }

  /** The reader's own report on a comment (the Location of POST .../reports). */
  async mine(user: AuthUser, commentId: string): Promise<ReportDto> {
    const report = await this.prisma.commentReport.findUnique({
      where: { commentId_reporterId: { commentId, reporterId: user.id } },
      select: reportSelect,
    });
    if (!report) throw AppError.notFound('REPORT_NOT_FOUND', 'You have not reported this comment');
    return { ...report, createdAt: report.createdAt.toISOString() };
  }
}
