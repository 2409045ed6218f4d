import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { articleNotFound } from '../articles/articles.service.js';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import type { Page } from '../common/openapi/page.dto.js';
import { formatDuration } from '../common/text/english.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { Prisma } from '../generated/prisma/client.js';
import { WordFilterService } from '../word-filter/word-filter.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { publicCommentSelect, toPublicCommentView } from './comment.mapper.js';
import { canView, commentNotFound, decideStatus, isModerator } from './comment-policy.js';
import { applyCommentChange, commentSnapshotSelect, recordNewComment } from './comment-state.js';
import type { CommentDto } from './dto/comment-response.dto.js';
import type { CreateCommentDto } from './dto/create-comment.dto.js';
import type { ListCommentsQueryDto } from './dto/list.dto.js';
import type { UpdateCommentDto } from './dto/update-comment.dto.js';
import { isSlug } from '../articles/slugify.js';

export type CommentView = CommentDto;

/** Interactive transactions here may wait on the per-author advisory lock; give them more than Prisma's 5 s. */
export const TX_OPTIONS = { timeout: 10_000 } as const;

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

const createdSelect = { ...publicCommentSelect, ...commentSnapshotSelect } satisfies Prisma.CommentSelect;

@Injectable()
export class CommentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly wordFilter: WordFilterService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Approved comments of an article, plus the signed-in viewer's own pending ones, oldest or newest first,
   * keyset-paginated on (createdAt, id): no gaps or repeats while comments are added. Soft-deleted approved
   * comments stay in the list as placeholders (no body, no author) so replies keep their thread.
   */
  async listForArticle(slug: string, q: ListCommentsQueryDto, viewer?: AuthUser): Promise<Page<CommentDto>> {
    const article = await this.findArticle(slug);
    const after = decodeCursor(q.cursor);
    const cmp = q.sort === 'newest' ? 'lt' : 'gt';
    const dir = q.sort === 'newest' ? 'desc' : 'asc';
    const visible: Prisma.CommentWhereInput = viewer
      ? { OR: [{ status: 'approved' }, { status: 'pending', authorId: viewer.id, deletedAt: null }] }
      : { status: 'approved' };
    const rows = await this.prisma.comment.findMany({
      where: {
        articleId: article.id,
        ...(q.parentId && { parentId: q.parentId }),
        ...(q.rootId && { rootId: q.rootId }),
        AND: [
          visible,
          ...(after ? [{ OR: [{ createdAt: { [cmp]: after.t } }, { createdAt: after.t, id: { [cmp]: after.id } }] }] : []),
        ],
      },
      orderBy: [{ createdAt: dir }, { id: dir }],
      take: q.limit + 1,
      select: publicCommentSelect,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(toPublicCommentView),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  async get(id: string, viewer?: AuthUser): Promise<CommentView> {
    const row = await this.prisma.comment.findUnique({ where: { id }, select: publicCommentSelect });
    if (!row || !canView(row, viewer)) throw commentNotFound();
    return toPublicCommentView(row);
  }

  /**
   * Posts a comment. With an Idempotency-Key a retry returns the first result instead of a second comment; without
   * one, the same body on the same article within COMMENT_DUPLICATE_WINDOW_SECONDS is 409 DUPLICATE_COMMENT.
   */
  async create(user: AuthUser, slug: string, dto: CreateCommentDto, idempotencyKey?: string): Promise<CommentView> {
    // The key is bound to what was sent: the same key with another payload is a client bug, not a retry.
    const idem = idempotencyKey
      ? { key: idempotencyKey, hash: createHash('sha256').update(JSON.stringify([slug, dto.parentId ?? null, dto.body])).digest('hex') }
      : undefined;
    const replay = idem && (await this.findIdempotent(this.prisma, user.id, idem));
    if (replay) return replay;
    const article = await this.findArticle(slug);
    if (!article.commentsOpen) throw AppError.forbidden('COMMENTS_CLOSED', 'Comments are closed for this article');
    // Outside the transaction: the filter may be slow and must not hold a connection or the lock.
    const verdict = await this.wordFilter.check(dto.body);

    try {
      return await this.prisma.transaction(async (tx) => {
        // Serialises one author's posts on one article, so the idempotency and duplicate checks below cannot both
        // be passed by concurrent requests. Two-int form: its own key space, apart from bigint advisory locks.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('comment-post'), hashtext(${`${user.id}:${article.id}`}))`;
        const prior = idem && (await this.findIdempotent(tx, user.id, idem));
        if (prior) return prior;
        const windowSeconds = this.config.get('COMMENT_DUPLICATE_WINDOW_SECONDS');
        if (windowSeconds > 0) {
          const dup = await tx.comment.findFirst({
            where: { authorId: user.id, articleId: article.id, body: dto.body, deletedAt: null, createdAt: { gte: new Date(Date.now() - windowSeconds * 1000) } },
            select: { id: true },
          });
          if (dup) throw AppError.conflict('DUPLICATE_COMMENT', 'You have just posted this comment on this article');
        }
        const thread = dto.parentId ? await this.replyPosition(tx, dto.parentId, article.id) : { parentId: null, rootId: null, depth: 0 };
        const author = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { approvedCommentCount: true } });
        const decision = decideStatus(
          { ...article, authorApprovedCount: author.approvedCommentCount, trustedThreshold: this.config.get('TRUSTED_USER_APPROVED_COMMENTS') },
          verdict,
        );
        const created = await tx.comment.create({
          data: {
            articleId: article.id,
            authorId: user.id,
            ...thread,
            body: dto.body,
            status: decision.status,
            statusReason: decision.statusReason,
            idempotencyKey: idem?.key ?? null,
            idempotencyHash: idem?.hash ?? null,
          },
          select: createdSelect,
        });
        await recordNewComment(tx, created, decision.audit);
        return toPublicCommentView(created);
      }, TX_OPTIONS);
    } catch (err) {
      // The same key used concurrently on another article (another lock): the unique index decided; answer with
      // the stored comment, or 422 when the payload differs.
      const winner = idem && isUniqueViolation(err) && (await this.findIdempotent(this.prisma, user.id, idem));
      if (winner) return winner;
      throw err;
    }
  }

  /**
   * The author edits within COMMENT_EDIT_WINDOW_SECONDS, while the article's comments are open. The old body goes to comment_revisions. The new body is
   * moderated like a new comment on the article: an approved comment goes back to pending (unless the article is
   * post-moderated or the author trusted), banned words reject it. An edit never promotes a pending comment.
   */
  async edit(user: AuthUser, id: string, dto: UpdateCommentDto): Promise<CommentView> {
    const row = await this.prisma.comment.findUnique({
      where: { id },
      select: {
        ...commentSnapshotSelect,
        body: true,
        createdAt: true,
        article: { select: { commentsOpen: true, moderationMode: true, trustedBypass: true } },
        author: { select: { approvedCommentCount: true } },
      },
    });
    if (!row || row.deletedAt || !canView(row, user)) throw commentNotFound();
    if (row.authorId !== user.id) throw AppError.forbidden('NOT_COMMENT_AUTHOR', 'Only the author can edit a comment');
    // Closing an article freezes its discussion for everyone, staff included: what readers saw when it closed is
    // what stays (a correction goes through moderation, or reopening). Deleting one's own comment stays possible.
    if (!row.article.commentsOpen) throw AppError.forbidden('COMMENTS_CLOSED', 'Comments are closed for this article; they can no longer be edited');
    if (row.status === 'rejected' || row.status === 'spam') {
      throw AppError.conflict('COMMENT_NOT_EDITABLE', 'A rejected comment cannot be edited');
    }
    const windowSeconds = this.config.get('COMMENT_EDIT_WINDOW_SECONDS');
    if (Date.now() - row.createdAt.getTime() > windowSeconds * 1000) {
      throw AppError.forbidden('EDIT_WINDOW_CLOSED', `Comments can be edited for ${formatDuration(windowSeconds)} after posting`);
    }
    if (dto.body === row.body) return this.get(id, user); // nothing changed: no revision, no trip back to the queue

    const verdict = await this.wordFilter.check(dto.body);
    const decision = decideStatus(
      {
        ...row.article,
        // This comment itself may be what makes the author trusted; it must not vouch for its own new text.
        authorApprovedCount: row.author.approvedCommentCount - Number(row.status === 'approved'),
        trustedThreshold: this.config.get('TRUSTED_USER_APPROVED_COMMENTS'),
      },
      verdict,
    );
    const status = row.status === 'pending' || decision.status !== 'approved' ? 'pending' : 'approved';
    return this.prisma.transaction(async (tx) => {
      await tx.commentRevision.create({ data: { commentId: id, body: row.body, version: row.version } });
      let after = await applyCommentChange(
        tx,
        row,
        { body: dto.body, editedAt: new Date(), status, ...(verdict.verdict === 'suspect' && { statusReason: decision.statusReason }) },
        { action: 'edit', actorId: user.id, reason: verdict.verdict === 'suspect' ? decision.statusReason : null },
      );
      if (decision.status === 'rejected') {
        after = await applyCommentChange(tx, after, { status: 'rejected', statusReason: decision.statusReason }, decision.audit);
      }
      return toPublicCommentView(await tx.comment.findUniqueOrThrow({ where: { id: after.id }, select: publicCommentSelect }));
    }, TX_OPTIONS);
  }

  /** Soft delete by the author or a moderator. The row stays so replies keep their thread. Deleting twice → 404. */
  async remove(user: AuthUser, id: string): Promise<void> {
    const row = await this.prisma.comment.findUnique({ where: { id }, select: commentSnapshotSelect });
    if (!row || row.deletedAt || !canView(row, user)) throw commentNotFound();
    if (row.authorId !== user.id && !isModerator(user)) {
      throw AppError.forbidden('NOT_COMMENT_AUTHOR', 'Only the author or a moderator can delete a comment');
    }
    await this.prisma.transaction(
      (tx) => applyCommentChange(tx, row, { deletedAt: new Date(), deletedById: user.id }, { action: 'delete', actorId: user.id }),
      TX_OPTIONS,
    );
  }

  private async findArticle(slug: string) {
    const article =
      isSlug(slug)
        ? await this.prisma.article.findUnique({
            where: { slug },
            select: { id: true, commentsOpen: true, moderationMode: true, trustedBypass: true },
          })
        : null;
    if (!article) throw articleNotFound(slug);
    return article;
  }

  /**
   * Where a reply sits. The parent must be an approved, not deleted comment of the same article. (No row lock:
   * a parent hidden a moment later is the same situation as one hidden after replies exist.)
   */
  private async replyPosition(tx: Prisma.TransactionClient, parentId: string, articleId: string) {
    const parent = await tx.comment.findUnique({
      where: { id: parentId },
      select: { id: true, articleId: true, rootId: true, depth: true, status: true, deletedAt: true },
    });
    if (!parent || parent.status !== 'approved' || parent.deletedAt) {
      throw AppError.notFound('PARENT_NOT_FOUND', 'The comment you reply to does not exist or is not published');
    }
    if (parent.articleId !== articleId) {
      throw AppError.badRequest('INVALID_PARENT', 'The comment you reply to belongs to another article', [
        { field: 'parentId', message: 'parentId must be a comment of the same article' },
      ]);
    }
    return { parentId: parent.id, rootId: parent.rootId ?? parent.id, depth: parent.depth + 1 };
  }

  /** The comment an earlier request with this key created; 422 when the key was used for a different payload. */
  private async findIdempotent(db: Prisma.TransactionClient, authorId: string, idem: { key: string; hash: string }): Promise<CommentView | undefined> {
    const prior = await db.comment.findUnique({
      where: { authorId_idempotencyKey: { authorId, idempotencyKey: idem.key } },
      select: { ...publicCommentSelect, idempotencyHash: true },
    });
    if (!prior) return undefined;
    if (prior.idempotencyHash !== idem.hash) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different comment; use a new key for a new comment',
      );
    }
    return toPublicCommentView(prior);
  }
}
