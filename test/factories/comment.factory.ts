import { applyCommentChange, commentSnapshotSelect, recordNewComment } from '../../src/comment-core/comment-state.js';
import type { CommentStatus } from '../../src/generated/prisma/enums.js';
import type { TestApp } from '../helpers/app.js';
import { authHeader, type TestUser } from './user.factory.js';

let seq = 0;
const nextBody = () => `Коментар ${process.pid}-${++seq}`;

export interface TestComment {
  id: string;
  status: CommentStatus;
  version: number;
}

/** What the API answers about a comment it created. */
export interface PostedComment {
  id: string;
  status: CommentStatus;
}

/** The statuses a moderator decides on, and the audit action each is recorded as (as moderation.service does). */
export type DecisionStatus = Exclude<CommentStatus, 'pending'>;
const DECISION_ACTION: Record<DecisionStatus, string> = { approved: 'approve', rejected: 'reject', spam: 'spam' };

export interface CommentOverrides {
  status?: CommentStatus;
  body?: string;
  parentId?: string;
  createdAt?: Date;
  deleted?: boolean;
  reportCount?: number;
}

/**
 * Inserts a comment directly in its first state (`pending` unless told), recorded through comment-state the way
 * imports are (recordNewComment): an approved one is counted and announced exactly as the app would.
 */
export async function createComment(
  t: TestApp,
  article: { id: string },
  author: { id: string },
  overrides: CommentOverrides = {},
): Promise<TestComment> {
  return t.prisma.$transaction(async (tx) => {
    const parent = overrides.parentId
      ? await tx.comment.findUniqueOrThrow({ where: { id: overrides.parentId }, select: { id: true, rootId: true, depth: true } })
      : null;
    const c = await tx.comment.create({
      data: {
        articleId: article.id,
        authorId: author.id,
        parentId: parent?.id ?? null,
        rootId: parent ? (parent.rootId ?? parent.id) : null,
        depth: parent ? parent.depth + 1 : 0,
        body: overrides.body ?? nextBody(),
        status: overrides.status ?? 'pending',
        createdAt: overrides.createdAt,
        deletedAt: overrides.deleted ? new Date() : null,
        reportCount: overrides.reportCount ?? 0,
      },
      select: commentSnapshotSelect,
    });
    await recordNewComment(tx, c, null);
    return { id: c.id, status: c.status, version: c.version };
  });
}

/** The comment as `POST /api/articles/:slug/comments` answers it (201). */
export async function postComment(
  t: TestApp,
  article: { slug: string },
  author: Pick<TestUser, 'token'>,
  overrides: { body?: string; parentId?: string } = {},
): Promise<PostedComment> {
  const body = { body: overrides.body ?? nextBody(), ...(overrides.parentId && { parentId: overrides.parentId }) };
  const res = await t.http.post(`/api/articles/${article.slug}/comments`).set(authHeader(author)).send(body);
  if (res.status !== 201) throw new Error(`posting a comment failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { comment: PostedComment }).comment;
}

/**
 * A moderator decision without the API, through the one code path that keeps counters, audit and events exact
 * (comment-state's applyCommentChange), at the comment's current version.
 */
export async function setCommentStatus(t: TestApp, id: string, status: DecisionStatus, actorId: string | null = null): Promise<void> {
  await t.prisma.$transaction(async (tx) => {
    const before = await tx.comment.findUniqueOrThrow({ where: { id }, select: commentSnapshotSelect });
    await applyCommentChange(tx, before, { status }, { action: DECISION_ACTION[status], actorId });
  });
}

export const approveComment = (t: TestApp, id: string) => setCommentStatus(t, id, 'approved');

/** A moderator's decision through the API (`PATCH /api/admin/comments/:commentId`, 200). */
export async function decideComment(
  t: TestApp,
  moderator: Pick<TestUser, 'token'>,
  id: string,
  status: DecisionStatus,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const res = await t.http
    .patch(`/api/admin/comments/${id}`)
    .set(authHeader(moderator))
    .send({ status, ...extra });
  if (res.status !== 200) throw new Error(`moderating comment ${id} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Posted through the API by `author`, then approved by `moderator` through the API unless it was published at once. */
export async function publishComment(
  t: TestApp,
  article: { slug: string },
  author: Pick<TestUser, 'token'>,
  moderator: Pick<TestUser, 'token'>,
  overrides: { body?: string; parentId?: string } = {},
): Promise<string> {
  const c = await postComment(t, article, author, overrides);
  if (c.status !== 'approved') await decideComment(t, moderator, c.id, 'approved');
  return c.id;
}
