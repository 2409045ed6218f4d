import { memo } from 'preact/compat';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../context';
import { ErrorText, Time } from '../ui';
import { type CardState, type QueueItem, UNDO_MS } from './decisions';
import { Highlighted } from './highlight';

export interface CardActions {
  focus(id: string): void;
  toggle(id: string): void;
  approve(id: string): void;
  reject(id: string): void;
  spam(id: string): void;
  author(item: QueueItem): void;
  ban(item: QueueItem): void;
  undo(batch: number): void;
}

/**
 * One comment to decide on: its text (as text; the word filter's matches marked), its article, the comment it
 * answers, its author (the drawer), why it is here (hold, reports, notices) and the decisions the member of staff
 * may take. The card in focus is the one the shortcuts act on (roving tabindex).
 */
export const CommentCard = memo(function CommentCard(props: {
  item: QueueItem;
  state: CardState;
  focused: boolean;
  selected: boolean;
  actions: CardActions;
}) {
  const { t, isAdmin } = useConsole();
  const { item, state, actions } = props;
  const { adminComment: comment, author, article } = item;
  const ref = useRef<HTMLElement>(null);
  const id = comment.id;
  const labelId = `card-${id}-label`;

  // The DOM focus follows the focused card as it is drawn (a layout effect, so it runs in the same commit), and only
  // while the card is still the focused one: a deferred effect of a card that has since lost the focus would take it
  // back, its focus event would make it the focused card again, and two cards would pass the focus to each other
  // forever, locking the page.
  const focusedNow = useRef(props.focused);
  focusedNow.current = props.focused;
  useLayoutEffect(() => {
    if (focusedNow.current && ref.current && !ref.current.contains(document.activeElement)) {
      ref.current.focus({ preventScroll: true });
      ref.current.scrollIntoView({ block: 'nearest' });
    }
  }, [props.focused]);

  const open = state.phase === 'open' || state.phase === 'changed' || state.phase === 'conflict' || state.phase === 'error';
  // What it is now: after a colleague's decision (live, or a lost race), that decides which actions remain.
  const now = state.phase === 'conflict' || state.phase === 'changed' ? state.current.status : comment.status;
  const status = state.phase === 'done' ? state.status : state.phase === 'sending' ? state.decision.status : now;
  const matched = item.hold?.source === 'word_filter' ? item.hold.matched : [];
  return (
    <li class={`card-item${props.selected ? ' selected' : ''}`}>
      <article
        ref={ref}
        class={`card phase-${state.phase}`}
        tabIndex={props.focused ? 0 : -1}
        aria-labelledby={labelId}
        aria-current={props.focused ? 'true' : undefined}
        data-comment-id={id}
        onFocusCapture={() => actions.focus(id)}
      >
        <header class="card-head">
          <input
            type="checkbox"
            checked={props.selected}
            onChange={() => actions.toggle(id)}
            aria-label={t('card.select', { author: author.username })}
            disabled={!open}
          />
          <h3 id={labelId} class="card-title">
            <button type="button" class="link author" onClick={() => actions.author(item)} aria-haspopup="dialog">
              {author.username}
            </button>
            {author.banned && <span class="badge danger">{t('card.banned')}</span>}
            <span class="muted">
              {' · '}
              <Time iso={comment.createdAt} />
              {comment.editedAt && ` · ${t('card.edited')}`}
            </span>
          </h3>
          <span class={`badge status-${status}`}>{t(`status.${status}`)}</span>
        </header>
        <p class="card-article">
          {t('card.on')}{' '}
          <a href={`/articles/${encodeURIComponent(article.slug)}`} target="_blank" rel="noopener noreferrer">
            {article.title}
          </a>
        </p>
        {item.parent && (
          <blockquote class="parent">
            <p class="muted">
              {t('card.inReplyTo', { author: item.parent.author?.username ?? t('card.erased') })}
              {item.parent.deleted
                ? ` · ${t('card.deleted')}`
                : item.parent.status !== 'approved'
                  ? ` · ${t(`status.${item.parent.status}`)}`
                  : ''}
            </p>
            <p class="parent-body">{excerpt(item.parent.body)}</p>
          </blockquote>
        )}
        <p class={`body${comment.deletedAt ? ' deleted' : ''}`}>
          <Highlighted text={comment.body} words={matched} />
        </p>
        <Reasons item={item} />
        <CardStatus state={state} actions={actions} />
        {open && !comment.deletedAt && !(state.phase !== 'open' && 'current' in state && state.current.deleted) && (
          <footer class="actions">
            {now !== 'approved' && (
              <button type="button" class="approve" onClick={() => actions.approve(id)} aria-keyshortcuts="a">
                {t('action.approve')}
              </button>
            )}
            {now !== 'rejected' && (
              <button type="button" class="reject" onClick={() => actions.reject(id)} aria-keyshortcuts="r" aria-haspopup="dialog">
                {t('action.reject')}
              </button>
            )}
            {now !== 'spam' && (
              <button type="button" onClick={() => actions.spam(id)} aria-keyshortcuts="s">
                {t('action.spam')}
              </button>
            )}
            {!author.banned && (isAdmin || author.role === 'reader') && (
              <button type="button" onClick={() => actions.ban(item)} aria-keyshortcuts="b" aria-haspopup="dialog">
                {t('action.ban')}
              </button>
            )}
          </footer>
        )}
        {status === 'approved' && !comment.deletedAt && (state.phase === 'open' || state.phase === 'done') && (
          <Pick id={id} author={author.username} featured={comment.featured} />
        )}
      </article>
    </li>
  );
});

/**
 * The editors' pick of a published comment: a toggle (aria-pressed) that features it for readers (the widget marks
 * it and can list the picks) or takes the mark back; audited by the service, said aloud here.
 */
function Pick(props: { id: string; author: string; featured: boolean }) {
  const { api, t, announce } = useConsole();
  const [featured, setFeatured] = useState(props.featured);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setFeatured(props.featured), [props.featured]);
  const toggle = async () => {
    if (busy) return;
    const next = !featured;
    setBusy(true);
    setError(null);
    const params = { params: { path: { commentId: props.id } } };
    const { data, error: e } = next
      ? await api.PUT('/api/admin/comments/{commentId}/featured', params)
      : await api.DELETE('/api/admin/comments/{commentId}/featured', params);
    setBusy(false);
    if (!data) return setError(e ?? new Error());
    setFeatured(data.comment.featured);
    announce(t(data.comment.featured ? 'pick.on' : 'pick.off', { author: props.author }));
  };
  return (
    <p class="pick">
      <button type="button" aria-pressed={featured} aria-disabled={busy || undefined} onClick={() => void toggle()}>
        {t('action.pick')}
      </button>
      <ErrorText error={error} />
    </p>
  );
}

function Reasons(props: { item: QueueItem }) {
  const { t } = useConsole();
  const { hold, reportCount, reportReasons, notices, adminComment: comment } = props.item;
  // A rule this console knows is explained; a classifier's model or a spam service's name is shown as it is.
  const ruleText = (rule: string) => {
    const text = t(`hold.rule.${rule}`);
    return text === `hold.rule.${rule}` ? rule : text;
  };
  return (
    <div class="why">
      {hold && (
        <p class="hold">
          <span class="badge">{t(`hold.${hold.source}`)}</span> {hold.rule && ruleText(hold.rule)}
          {hold.matched.length > 0 && `: ${hold.matched.join(', ')}`}
          {hold.labels.map((l) => (
            <span key={l} class="badge label">
              {l}
            </span>
          ))}
        </p>
      )}
      {reportCount > 0 && (
        <details class="reports">
          <summary>{t('card.reports', { count: reportCount })}</summary>
          <ul>
            {countReasons(reportReasons).map(([reason, n]) => (
              <li key={reason}>
                {reason}
                {n > 1 && ` × ${n}`}
              </li>
            ))}
          </ul>
        </details>
      )}
      {notices.length > 0 && (
        <div class="notices">
          <p>
            <span class="badge danger">{t('card.notices', { count: notices.length })}</span>
          </p>
          <ul>
            {notices.map((n) => (
              <li key={n.id}>
                <strong>{t(`category.${n.category}`)}</strong> · <Time iso={n.receivedAt} />
                <br />
                {n.explanation}
              </li>
            ))}
          </ul>
        </div>
      )}
      {comment.statusReason && (!hold || hold.source === 'classifier' || hold.source === 'spam_service') && (
        <p class="muted">{comment.statusReason}</p>
      )}
    </div>
  );
}

function CardStatus(props: { state: CardState; actions: CardActions }) {
  const { t } = useConsole();
  const s = props.state;
  const [, tick] = useState(0);
  useEffect(() => {
    if (s.phase !== 'sending') return;
    const timer = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [s]);
  if (s.phase === 'open') return null;
  if (s.phase === 'sending') {
    const left = Math.max(0, Math.ceil((s.until - Date.now()) / 1000));
    return (
      <p class="card-state">
        {t(`pending.${s.decision.status}`)}{' '}
        <button type="button" onClick={() => props.actions.undo(s.batch)} aria-keyshortcuts="u">
          {t('undo', { seconds: Math.min(left, UNDO_MS / 1000) })}
        </button>
      </p>
    );
  }
  if (s.phase === 'done') return <p class="card-state ok">{t(`done.${s.status}`)}</p>;
  if (s.phase === 'error') return <p class="card-state error">{s.message}</p>;
  const c = s.current;
  const who = c.decidedBy?.username ?? t('card.automatic');
  return (
    <p class="card-state warn" role={s.phase === 'conflict' ? 'alert' : undefined}>
      {t(s.phase === 'conflict' ? 'conflict.lost' : 'conflict.changed', {
        who,
        status: t(`status.${c.deleted ? 'deleted' : c.status}`),
      })}{' '}
      {c.decidedAt && <Time iso={c.decidedAt} />}
    </p>
  );
}

function countReasons(reasons: string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const r of reasons) m.set(r, (m.get(r) ?? 0) + 1);
  return [...m.entries()];
}

const excerpt = (text: string) => (text.length > 280 ? `${text.slice(0, 280)}…` : text);
