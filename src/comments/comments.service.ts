import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { articleNotFound } from '../articles/articles.service.js';
import { isSlug } from '../common/validation/slug.js';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { decodeCursor } from '../common/pagination.js';
import { formatDuration } from '../common/text/english.js';
import { AppConfig } from '../config/app-config.js';
import { authorDeletionEffects, restrictionEffects } from '../dsa/decision-effects.js';
import { DecisionsService } from '../dsa/decisions.service.js';
import { StatementPolicy } from '../dsa/statement-policy.js';
import { WordFilterService } from '../word-filter/word-filter.service.js';
import { holdEffect, withHold } from '../holds/comment-holds.js';
import { triage, type TriageVerdict, withOverrides } from '../triage/triage-rules.js';
import { TriageService } from '../triage/triage.service.js';
import { type ClientFacts, CommentChecksService } from './comment-checks.service.js';
import type { StateEffect } from '../comment-core/comment-state.js';
import type { AuthorStandingRow } from '../comment-core/comment-reads.sql.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { canView, commentNotFound, decideStatus, isModerator, type StatusDecision } from '../comment-core/comment-policy.js';
import { commentForChange, commentPage, commentRecord, postContext } from '../comment-core/comment-reads.js';
import type { CommentForChangeRow, PostContextRow } from '../comment-core/comment-reads.sql.js';
import { keepRevision } from '../comment-core/comment-revisions.js';
import { applyCommentChange, type CommentSnapshot, insertComment } from '../comment-core/comment-state.js';
import type { CommentDto } from './dto/comment-response.dto.js';
import type { CreateCommentDto } from './dto/create-comment.dto.js';
import type { ListCommentsQueryDto } from './dto/list.dto.js';
import type { UpdateCommentDto } from './dto/update-comment.dto.js';

export type CommentView = CommentDto;

const SORTS = { oldest: 'asc', newest: 'desc', top: 'top', replies: 'replies' } as const;

const snapshotOf = (r: CommentForChangeRow): CommentSnapshot => ({
  id: r.id,
  articleId: r.article_id,
  authorId: r.author_id,
  status: r.status,
  deletedAt: r.deleted_at,
  version: r.version,
});

@Injectable()
export class CommentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly wordFilter: WordFilterService,
    private readonly config: AppConfig,
    private readonly policy: StatementPolicy,
    private readonly decisions: DecisionsService,
    private readonly triage: TriageService,
    private readonly checks: CommentChecksService,
  ) {}

  /**
   * Approved comments of an article, plus the signed-in viewer's own pending ones, oldest or newest first,
   * keyset-paginated on (createdAt, id): no gaps or repeats while comments are added. Soft-deleted approved
   * comments stay in the list as placeholders (no body, no author) so replies keep their thread. JSON text.
   */
  async listForArticle(slug: string, q: ListCommentsQueryDto, viewer?: AuthUser): Promise<string> {
    const scored = q.sort === 'top' || q.sort === 'replies';
    const after = scored ? decodeCursor(q.cursor, true) : decodeCursor(q.cursor);
    const within = q.parentId
      ? { scope: 'parent' as const, id: q.parentId }
      : q.rootId
        ? { scope: 'root' as const, id: q.rootId }
        : undefined;
    const page = isSlug(slug)
      ? await commentPage(this.prisma.pool, slug, {
          limit: q.limit,
          sort: SORTS[q.sort],
          after,
          within,
          viewerId: viewer?.id,
          featured: q.featured === 'true',
        })
      : undefined;
    if (page === undefined) throw articleNotFound(slug);
    return page;
  }

  /**
   * `{"comment":{…}}` as JSON text. Its author also reads the latest decision about it (the statement of reasons,
   * DSA Art. 17, with its appeals), as `comment.decision` (null when there is none).
   */
  async get(id: string, viewer?: AuthUser): Promise<string> {
    const row = await commentRecord(this.prisma.pool, id, viewer?.id);
    if (!row || !canView({ status: row.status as CommentSnapshot['status'], authorId: row.authorId, deletedAt: row.deletedAt }, viewer)) {
      throw commentNotFound();
    }
    if (viewer?.id !== row.authorId) return `{"comment":${row.json}}`;
    const decision = await this.decisions.latestForComment(id);
    return `{"comment":${row.json.slice(0, -1)},"decision":${JSON.stringify(decision)}}}`;
  }

  /**
   * Posts a comment. With an Idempotency-Key a retry returns the first result instead of a second comment; without
   * one, the same body on the same article within COMMENT_DUPLICATE_WINDOW_SECONDS is 409 DUPLICATE_COMMENT.
   * Round trips: one read of everything to check, then one statement (comment-state.ts insertComment).
   */
  async create(user: AuthUser, slug: string, dto: CreateCommentDto, idempotencyKey?: string, client?: ClientFacts): Promise<CommentView> {
    // The key is bound to what was sent: the same key with another payload is a client bug, not a retry.
    const idem = idempotencyKey
      ? {
          key: idempotencyKey,
          hash: createHash('sha256')
            .update(JSON.stringify([slug, dto.parentId ?? null, dto.body]))
            .digest('hex'),
        }
      : undefined;
    const globalRules = await this.triage.rules();
    const ctx = await postContext(
      this.prisma.pool,
      isSlug(slug) ? slug : null,
      user.id,
      dto.parentId ?? null,
      idem?.key ?? null,
      this.triage.readLimits(globalRules),
    );
    // The article's overrides of the triage rules (whole sections) over the newsroom's.
    const rules = withOverrides(globalRules, ctx.triage_overrides);
    if (ctx.prior_view !== null) return replay(ctx.prior_view, ctx.prior_hash, idem!.hash);
    if (ctx.article_id === null) throw articleNotFound(slug);
    if (!ctx.comments_open) throw AppError.forbidden('COMMENTS_CLOSED', 'Comments are closed for this article');
    const thread = dto.parentId ? replyPosition(ctx, dto.parentId) : { parentId: null, rootId: null, depth: 0 };
    // The filter runs before the statement: it must not hold a connection or the lock.
    const verdict = await this.wordFilter.check(dto.body);
    const trustedThreshold = this.config.get('TRUSTED_USER_APPROVED_COMMENTS');
    const filtered = decideStatus(
      {
        moderationMode: ctx.moderation_mode!,
        trustedBypass: ctx.trusted_bypass!,
        authorApprovedCount: ctx.author_approved ?? 0,
        trustedThreshold,
      },
      verdict,
    );
    // The newsroom's triage rules (src/triage) judge what the word filter let through, on every article.
    const trusted = ctx.trusted_bypass! && trustedThreshold > 0 && (ctx.author_approved ?? 0) >= trustedThreshold;
    const ruling =
      verdict.verdict === 'clean'
        ? triage(rules, { ...standingFacts(ctx, ctx.author_approved ?? 0, dto.body, trusted), disposable: this.triage.disposable })
        : null;
    const decision = applyRuling(filtered, ruling);
    // With a classifier or a spam service (docs/triage.md) a comment the rules did not refuse is stored pending first, awaiting its
    // check: nothing is announced as published before the check has decided, and nothing is lost if this process
    // stops before it has (the resume worker decides it then).
    const checked = this.checks.enabled && decision.status !== 'rejected';
    const effects = withRuling(
      withHold(decision.status === 'rejected' ? this.automatedRejection(decision.statusReason, ruling) : [], verdict),
      ruling,
    );
    const outcome = await insertComment(
      this.prisma.pool,
      {
        articleId: ctx.article_id,
        authorId: user.id,
        ...thread,
        body: dto.body,
        status: checked ? 'pending' : decision.status,
        statusReason: decision.statusReason,
        idempotency: idem,
      },
      { duplicateWindowSeconds: this.config.get('COMMENT_DUPLICATE_WINDOW_SECONDS'), audit: decision.audit },
      // The hold (src/holds) records why the filter or a rule held or rejected it, in the same statement.
      checked ? [...effects, ...this.checks.storedEffects(decision.status, user.id, client)] : effects,
    );
    switch (outcome.kind) {
      case 'created': {
        if (!checked) return JSON.parse(outcome.comment.view) as CommentView;
        const c = outcome.comment;
        const view = await this.checks.decide({ commentId: c.id, version: c.version, publishTo: decision.status });
        return JSON.parse(view ?? c.view) as CommentView;
      }
      case 'replay':
        return replay(outcome.view, outcome.hash, idem!.hash);
      case 'duplicate':
        throw AppError.conflict('DUPLICATE_COMMENT', 'You have just posted this comment on this article');
      case 'gone':
        // The account was erased after this request's token was checked: what the next request would hear.
        throw AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');
    }
  }

  /**
   * The author edits within COMMENT_EDIT_WINDOW_SECONDS, while the article's comments are open. The old body goes to comment_revisions. The new body is
   * moderated like a new comment on the article: an approved comment goes back to pending (unless the article is
   * post-moderated or the author trusted), banned words reject it. An edit never promotes a pending comment.
   */
  async edit(user: AuthUser, id: string, dto: UpdateCommentDto, client?: ClientFacts): Promise<CommentView> {
    const globalRules = await this.triage.rules();
    const row = await commentForChange(this.prisma.pool, id, this.triage.readLimits(globalRules));
    if (!row || row.deleted_at || !canView({ status: row.status, authorId: row.author_id, deletedAt: row.deleted_at }, user))
      throw commentNotFound();
    if (row.author_id !== user.id) throw AppError.forbidden('NOT_COMMENT_AUTHOR', 'Only the author can edit a comment');
    // Closing an article freezes its discussion for everyone, staff included: what readers saw when it closed is
    // what stays (a correction goes through moderation, or reopening). Deleting one's own comment stays possible.
    if (!row.comments_open)
      throw AppError.forbidden('COMMENTS_CLOSED', 'Comments are closed for this article; they can no longer be edited');
    if (row.status === 'rejected' || row.status === 'spam') {
      throw AppError.conflict('COMMENT_NOT_EDITABLE', 'A rejected comment cannot be edited');
    }
    const windowSeconds = this.config.get('COMMENT_EDIT_WINDOW_SECONDS');
    const rules = withOverrides(globalRules, row.triage_overrides);
    if (Date.now() - row.created_at.getTime() > windowSeconds * 1000) {
      throw AppError.forbidden('EDIT_WINDOW_CLOSED', `Comments can be edited for ${formatDuration(windowSeconds)} after posting`);
    }
    if (dto.body === row.body) {
      // Nothing changed: the comment as it is, in the same shape as an edit's answer (no `decision`: GET has that).
      const current = await commentRecord(this.prisma.pool, id);
      if (!current) throw commentNotFound();
      return JSON.parse(current.json) as CommentView;
    }

    const verdict = await this.wordFilter.check(dto.body);
    // This comment itself may be what makes the author trusted; it must not vouch for its own new text.
    const approvedBefore = row.author_approved - Number(row.status === 'approved');
    const trustedThreshold = this.config.get('TRUSTED_USER_APPROVED_COMMENTS');
    const filtered = decideStatus(
      { moderationMode: row.moderation_mode, trustedBypass: row.trusted_bypass, authorApprovedCount: approvedBefore, trustedThreshold },
      verdict,
    );
    // The triage rules judge the new text too (links added by an edit wait like links posted); an edit is held, never
    // refused by them: the author keeps the comment they wrote.
    const trusted = row.trusted_bypass && trustedThreshold > 0 && approvedBefore >= trustedThreshold;
    const judged =
      verdict.verdict === 'clean'
        ? triage(rules, { ...standingFacts(row, approvedBefore, dto.body, trusted), disposable: this.triage.disposable })
        : null;
    const ruling = judged?.action === 'refuse' ? { ...judged, action: 'hold' as const } : judged;
    const decision = applyRuling(filtered, ruling);
    // A comment under notice (DSA Art. 16) waits for a moderator: a new text must not publish itself meanwhile.
    const status = row.status === 'pending' || decision.status !== 'approved' || row.open_notice_count > 0 ? 'pending' : 'approved';
    const held = verdict.verdict === 'suspect' || ruling?.action === 'hold';
    // The new text is checked like a new comment: pending until the classifier decides (docs/triage.md).
    const checked = this.checks.enabled && decision.status !== 'rejected';
    const effects = withRuling(withHold([keepRevision(row.body, row.version)], verdict), ruling);
    const edit = (db: Parameters<typeof applyCommentChange>[0]) =>
      applyCommentChange(
        db,
        snapshotOf(row),
        {
          body: dto.body,
          editedAt: new Date(),
          status: checked ? 'pending' : status,
          ...(held && { statusReason: decision.statusReason }),
        },
        { action: 'edit', actorId: user.id, reason: held ? decision.statusReason : null },
        checked ? [...effects, ...this.checks.storedEffects(status, user.id, client)] : effects,
      );
    if (checked) {
      const edited = await edit(this.prisma.pool);
      const view = await this.checks.decide({ commentId: edited.id, version: edited.version, publishTo: status });
      return JSON.parse(view ?? edited.view) as CommentView;
    }
    if (decision.status !== 'rejected') return JSON.parse((await edit(this.prisma.pool)).view) as CommentView;
    // Banned words: the edit and the rejection are two audited steps of one transaction.
    const rejected = await this.prisma.transaction(async (tx) => {
      const edited = await edit(tx);
      return applyCommentChange(
        tx,
        edited,
        { status: 'rejected', statusReason: decision.statusReason },
        decision.audit,
        this.filterRejection(decision.statusReason),
      );
    });
    return JSON.parse(rejected.view) as CommentView;
  }

  /** Soft delete by the author or a moderator. The row stays so replies keep their thread. Deleting twice → 404. */
  async remove(user: AuthUser, id: string): Promise<void> {
    const row = await commentForChange(this.prisma.pool, id);
    if (!row || row.deleted_at || !canView({ status: row.status, authorId: row.author_id, deletedAt: row.deleted_at }, user))
      throw commentNotFound();
    if (row.author_id !== user.id && !isModerator(user)) {
      throw AppError.forbidden('NOT_COMMENT_AUTHOR', 'Only the author or a moderator can delete a comment');
    }
    // Removed by staff: a restriction with its statement of reasons (unless it was already rejected: that one has
    // its own). Deleted by its author: the notices about it close, nothing is left to act on.
    const byStaff = row.author_id !== user.id;
    const effects = !byStaff
      ? authorDeletionEffects
      : row.status === 'approved' || row.status === 'pending'
        ? restrictionEffects(this.policy.resolve(undefined, { action: 'delete', decidedById: user.id }))
        : [];
    await applyCommentChange(
      this.prisma.pool,
      snapshotOf(row),
      { deletedAt: new Date(), deletedById: user.id },
      { action: 'delete', actorId: user.id },
      effects,
    );
  }

  /** The statement of reasons of a rejection by the word filter (fully automated, DSA Art. 17(3)(c)). */
  private filterRejection(reason: string | null) {
    return restrictionEffects(this.policy.resolve(undefined, { action: 'filter_reject', decidedById: null, reason }));
  }

  /** The statement of a rejection on posting: by a triage rule when one refused it, else by the word filter. */
  private automatedRejection(reason: string | null, ruling: TriageVerdict | null) {
    if (ruling?.action !== 'refuse') return this.filterRejection(reason);
    return restrictionEffects(this.policy.resolve(undefined, { action: 'rule_reject', decidedById: null, reason: ruling.reason }));
  }
}

/** What the triage rules know of a comment and its author, from the read that posting or editing makes anyway. */
function standingFacts(row: AuthorStandingRow, approved: number, body: string, trusted: boolean) {
  return {
    body,
    articleUrl: row.article_url,
    authorRole: row.author_role ?? 'reader',
    authorCreatedAt: row.author_created_at ?? new Date(),
    authorApproved: approved,
    authorComments: row.author_comments,
    authorRecent: row.author_recent,
    authorEmailDomain: row.author_email_domain,
    trusted,
  };
}

/** The word filter's decision, overruled by a triage rule that holds or refuses (audited as rule_hold / rule_reject). */
function applyRuling(decision: StatusDecision, ruling: TriageVerdict | null): StatusDecision {
  if (!ruling || ruling.action === 'publish') return decision;
  const reason = `rule ${ruling.rule}: ${ruling.reason}`.slice(0, 500);
  return ruling.action === 'refuse'
    ? { status: 'rejected', statusReason: reason, audit: { action: 'rule_reject', actorId: null, reason } }
    : { status: 'pending', statusReason: reason, audit: { action: 'rule_hold', actorId: null, reason } };
}

/** The effects with the rule's hold recorded (source `rule`, the rule's name, the link domains that counted). */
function withRuling(effects: StateEffect[], ruling: TriageVerdict | null): StateEffect[] {
  if (!ruling || ruling.action === 'publish') return effects;
  return [...effects, holdEffect({ source: 'rule', rule: ruling.rule, matched: ruling.matched, labels: [] })];
}

/**
 * Where a reply sits. The parent must be an approved, not deleted comment of the same article. (No row lock:
 * a parent hidden a moment later is the same situation as one hidden after replies exist.)
 */
function replyPosition(ctx: PostContextRow, parentId: string) {
  if (ctx.parent_id === null || ctx.parent_status !== 'approved' || ctx.parent_deleted_at !== null) {
    throw AppError.notFound('PARENT_NOT_FOUND', 'The comment you reply to does not exist or is not published');
  }
  if (ctx.parent_article_id !== ctx.article_id) {
    throw AppError.badRequest('INVALID_PARENT', 'The comment you reply to belongs to another article', [
      { field: 'parentId', message: 'parentId must be a comment of the same article' },
    ]);
  }
  return { parentId, rootId: ctx.parent_root_id ?? parentId, depth: ctx.parent_depth! + 1 };
}

/** The comment an earlier request with this key created; 422 when the key was used for a different payload. */
function replay(view: string, storedHash: string | null, hash: string): CommentView {
  if (storedHash !== hash) {
    throw new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different comment; use a new key for a new comment',
    );
  }
  return JSON.parse(view) as CommentView;
}
