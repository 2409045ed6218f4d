import { useState } from 'preact/hooks';
import { linkify, UGC_REL } from '../../../src/web/pages/linkify';
import { commentId, useCtx } from '../context';
import type { Comment, Thread } from '../model';
import { CommentForm } from './comment-form';
import { NoticeForm, ReportForm } from './report';

/** Reader text: text nodes and http(s) links only (never HTML), links that endorse nothing and leak nothing. */
export function CommentText({ body }: { body: string }) {
  return (
    <div class="nc-body" part="comment-body">
      {linkify(body).map((part, i) =>
        part.href ? (
          <a key={i} href={part.href} rel={UGC_REL} target="_blank">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </div>
  );
}

/** A top-level comment and its replies, nested by parent; more replies a page at a time. */
export function ThreadView({ thread }: { thread: Thread }) {
  const { model, t, focus } = useCtx();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const children = new Map<string, Comment[]>();
  const known = new Set([thread.id, ...thread.replies.map((r) => r.id)]);
  for (const reply of thread.replies) {
    // A reply whose parent is not shown (no longer published) hangs under the thread's first comment.
    const parent = reply.parentId && known.has(reply.parentId) ? reply.parentId : thread.id;
    children.set(parent, [...(children.get(parent) ?? []), reply]);
  }
  const hidden = thread.replyCount - thread.replies.length;
  // A deleted comment with nothing under it says nothing: leave it out.
  if (thread.deleted && !thread.replies.length && hidden <= 0) return null;

  const more = async () => {
    setLoading(true);
    setError('');
    try {
      const first = await model.loadReplies(thread.id);
      if (first) focus(commentId(first));
    } catch (err) {
      setError(t.error(err));
    } finally {
      setLoading(false);
    }
  };

  return (
    <li class="nc-thread">
      <CommentCard comment={thread} rootId={thread.id} children={children} />
      {hidden > 0 && (
        <div class="nc-more-replies">
          <button type="button" class="nc-link" part="button load-replies" onClick={() => void more()} disabled={loading}>
            {loading ? t.m.loadingMore : hidden >= 1000 ? t.m.manyMoreReplies : t.plural(t.m.moreReplies, hidden)}
          </button>
          {error && (
            <p class="nc-error" part="error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * The comment's reactions: for a signed-in reader (not on their own comment) a toggle button per kind with its count
 * (aria-pressed says whether it is theirs), otherwise the counts as text. The change shows at once and is undone if
 * the service refuses it.
 */
function Reactions({ comment, canReact, onError }: { comment: Comment; canReact: boolean; onError: (message: string) => void }) {
  const { model, state, t } = useCtx();
  const kinds = state.config?.comments.reactionKinds ?? ['like'];
  const name = (kind: string) => t.m.reactions[kind] ?? kind;
  return (
    <span class="nc-reactions" part="reactions">
      {kinds.map((kind) => {
        const count = comment.reactions?.[kind] ?? 0;
        const pressed = comment.myReaction === kind;
        if (!canReact) {
          return count ? (
            <span key={kind} class="nc-muted nc-reaction-count" part="reaction-count">
              {t.fill(t.m.reactionCount, { name: name(kind), count: String(count) })}
            </span>
          ) : null;
        }
        return (
          <button
            key={kind}
            type="button"
            id={`${commentId(comment.id)}-react-${kind}`}
            class={`nc-link nc-reaction${pressed ? ' nc-pressed' : ''}`}
            part="button reaction"
            aria-pressed={pressed}
            onClick={() => {
              onError('');
              void model.react(comment.id, pressed ? null : kind).catch((err: unknown) => onError(t.error(err)));
            }}
          >
            {name(kind)}
            {count > 0 && <span class="nc-reaction-n"> {count}</span>}
          </button>
        );
      })}
    </span>
  );
}

type Panel = 'reply' | 'edit' | 'delete' | 'report' | 'notice' | null;

function CommentCard({ comment, rootId, children }: { comment: Comment; rootId: string; children: Map<string, Comment[]> }) {
  const { model, state, t, focus } = useCtx();
  const [panel, setPanel] = useState<Panel>(null);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const user = state.user;
  const own = !!user && comment.author?.id === user.id;
  const open = state.article?.commentsOpen !== false;
  const active = !!user && !user.ban;
  const replies = children.get(comment.id) ?? [];
  const name = comment.author?.username ?? t.m.deletedAccount;
  const editable =
    own &&
    active &&
    open &&
    !comment.deleted &&
    (comment.status === 'approved' || comment.status === 'pending') &&
    Date.now() < Date.parse(comment.createdAt) + (state.config?.comments.editWindowSeconds ?? 900) * 1000;
  const dom = commentId(comment.id);
  const close = (button: string) => {
    setPanel(null);
    focus(`${dom}-${button}`);
  };
  const toggle = (p: Exclude<Panel, null>) => {
    setError('');
    setDone('');
    setPanel(panel === p ? null : p);
    if (p === 'delete' && panel !== p) focus(`${dom}-delete-yes`);
  };

  const remove = async () => {
    setError('');
    try {
      await model.remove(comment.id);
      // The comment (or its placeholder) is gone from under the focus: the thread list takes it.
      focus('nc-list');
    } catch (err) {
      setError(t.error(err));
    }
  };

  return (
    <>
      <article
        id={dom}
        class={`nc-comment${comment.status === 'pending' ? ' nc-pending' : ''}`}
        part="comment"
        tabindex={-1}
        aria-labelledby={`${dom}-author`}
      >
        <header class="nc-meta" part="comment-meta">
          <span id={`${dom}-author`} class={`nc-author${comment.author ? '' : ' nc-muted'}`} part="comment-author">
            {comment.deleted ? t.m.deletedComment : name}
          </span>
          {!comment.deleted && (
            <time class="nc-time" dateTime={comment.createdAt} title={t.when(comment.createdAt)}>
              {t.ago(comment.createdAt)}
            </time>
          )}
          {comment.editedAt && !comment.deleted && <span class="nc-muted">· {t.m.edited}</span>}
          {comment.author?.badge && !comment.deleted && (
            <span class="nc-badge nc-author-badge" part="badge-author">
              {t.m.badges[comment.author.badge] ?? comment.author.badge}
            </span>
          )}
          {comment.featured && !comment.deleted && (
            <span class="nc-badge nc-featured" part="badge-featured">
              {t.m.featured}
            </span>
          )}
          {comment.status === 'pending' && (
            <span class="nc-badge" part="badge-pending">
              {t.m.pending}
            </span>
          )}
        </header>
        {comment.deleted || comment.body === null ? null : <CommentText body={comment.body} />}
        {comment.status === 'pending' && <p class="nc-note">{t.m.pendingNote}</p>}
        {!comment.deleted && (
          <div class="nc-actions" part="comment-actions">
            {comment.status === 'approved' && <Reactions comment={comment} canReact={active && !own} onError={setError} />}
            {active && open && comment.status === 'approved' && (
              <button
                type="button"
                id={`${dom}-reply`}
                class="nc-link"
                part="button"
                aria-expanded={panel === 'reply'}
                onClick={() => toggle('reply')}
              >
                {t.m.reply}
              </button>
            )}
            {editable && (
              <button
                type="button"
                id={`${dom}-edit`}
                class="nc-link"
                part="button"
                aria-expanded={panel === 'edit'}
                onClick={() => toggle('edit')}
              >
                {t.m.edit}
              </button>
            )}
            {own && active && (
              <button
                type="button"
                id={`${dom}-delete`}
                class="nc-link"
                part="button"
                aria-expanded={panel === 'delete'}
                onClick={() => toggle('delete')}
              >
                {t.m.delete}
              </button>
            )}
            {!own && active && comment.status === 'approved' && (
              <button
                type="button"
                id={`${dom}-report`}
                class="nc-link"
                part="button"
                aria-expanded={panel === 'report'}
                onClick={() => toggle('report')}
              >
                {t.m.report}
              </button>
            )}
            {!own && !active && comment.status === 'approved' && (
              <button
                type="button"
                id={`${dom}-notice`}
                class="nc-link"
                part="button"
                aria-expanded={panel === 'notice'}
                onClick={() => toggle('notice')}
              >
                {t.m.noticeOpen}
              </button>
            )}
          </div>
        )}
        {done && (
          <p class="nc-success" role="status">
            {done}
          </p>
        )}
        {error && (
          <p class="nc-error" part="error" role="alert">
            {error}
          </p>
        )}
        {panel === 'reply' && (
          <CommentForm
            id={`${dom}-reply-text`}
            label={t.fill(t.m.yourReply, { name })}
            submitLabel={t.m.reply}
            autoFocus
            onCancel={() => close('reply')}
            onSubmit={async (body) => {
              const posted = await model.post(body, comment.id, model.newKey());
              setPanel(null);
              focus(commentId(posted.id));
            }}
          />
        )}
        {panel === 'edit' && (
          <CommentForm
            id={`${dom}-edit-text`}
            label={t.m.editComment}
            submitLabel={t.m.save}
            initial={comment.body ?? ''}
            autoFocus
            onCancel={() => close('edit')}
            onSubmit={async (body) => {
              await model.edit(comment.id, body);
              setPanel(null);
              focus(dom);
            }}
          />
        )}
        {panel === 'delete' && (
          <div class="nc-confirm" role="group" aria-labelledby={`${dom}-confirm`}>
            <p id={`${dom}-confirm`}>{t.m.deleteConfirm}</p>
            <div class="nc-row">
              <button
                type="button"
                id={`${dom}-delete-yes`}
                class="nc-button nc-danger"
                part="button button-danger"
                onClick={() => void remove()}
              >
                {t.m.deleteYes}
              </button>
              <button type="button" class="nc-button" part="button" onClick={() => close('delete')}>
                {t.m.cancel}
              </button>
            </div>
          </div>
        )}
        {panel === 'report' && (
          <ReportForm
            comment={comment}
            onCancel={() => close('report')}
            onDone={(message) => {
              setPanel(null);
              setDone(message);
              focus(`${dom}-report`);
            }}
          />
        )}
        {panel === 'notice' && <NoticeForm comment={comment} onCancel={() => close('notice')} />}
      </article>
      {replies.length > 0 && (
        <ol class="nc-replies">
          {replies.map((r) => (
            <li key={r.id}>
              <CommentCard comment={r} rootId={rootId} children={children} />
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
