import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { type CommentEvent, useConsole } from '../context';
import { BASE, withQuery } from '../router';
import { isTyping } from '../shell';
import { ErrorText, PageTitle } from '../ui';
import { AuthorDrawer } from './author-drawer';
import { BanDialog } from './ban-dialog';
import { type CardActions, CommentCard } from './comment-card';
import { type CardState, type Decision, type QueueItem, useDecisions } from './decisions';
import { ReasonDialog } from './reason-dialog';

export const QUEUES = ['pending', 'reported', 'flagged', 'notices', 'decided'] as const;
export type QueueName = (typeof QUEUES)[number];
type Query = Record<string, string | number | undefined>;

const PAGE = 100;
const DECIDED = ['rejected', 'approved', 'spam'] as const;
const OPEN: CardState['phase'][] = ['open', 'changed', 'conflict', 'error'];
const OPEN_STATE: CardState = { phase: 'open' };
const FIRST_DRAWN = 15;

/** The API query of each queue (GET /api/admin/comments). */
function queueQuery(queue: QueueName, search: URLSearchParams): Query {
  const common = { article: search.get('article') ?? undefined, q: search.get('q') ?? undefined, limit: PAGE };
  switch (queue) {
    case 'pending':
      return { ...common, status: 'pending' };
    case 'reported':
      return { ...common, status: 'reported_open' };
    case 'flagged':
      return { ...common, status: 'pending', holdSource: 'automatic' };
    case 'notices':
      return { ...common, status: 'noticed' };
    case 'decided': {
      const s = search.get('status');
      return { ...common, status: (DECIDED as readonly string[]).includes(s ?? '') ? s! : 'rejected' };
    }
  }
}

type Dialogs =
  | { kind: 'reject' | 'spam'; ids: string[] }
  | { kind: 'ban'; user: { id: string; username: string } }
  | { kind: 'author'; user: { id: string; username: string } }
  | null;

/**
 * A queue: its comments as cards (oldest first where work is done in order), worked with the mouse or the keyboard
 * (j/k, a/r/s, x, b, o, u; ? lists them). Decisions are delayed sends with undo; comments that arrive while the whole
 * queue is loaded appear at once (the staff event stream), and a colleague's decision shows on its card.
 */
export function QueuePage(props: { queue: QueueName }) {
  const c = useConsole();
  const { api, t, search } = c;
  const { queue } = props;
  const [items, setItems] = useState<QueueItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [focus, setFocus] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [fresh, setFresh] = useState(0);
  // A new queue draws its first cards at once and the rest a frame later: the first card shows sooner.
  const [drawn, setDrawn] = useState(FIRST_DRAWN);
  const decisions = useDecisions();
  const searchInput = useRef<HTMLInputElement>(null);
  const measured = useRef(false);
  const query = queueQuery(queue, search);
  const queryKey = JSON.stringify(query);

  // Refs for the handlers bound once (keyboard, live events).
  const state = useRef({ items, cursor, focus, selected, states: decisions.states });
  state.current = { items, cursor, focus, selected, states: decisions.states };

  const load = async (after?: string | null) => {
    setLoading(true);
    const { data, error: e } = await api.GET('/api/admin/comments', {
      params: { query: { ...query, cursor: after ?? undefined } as never },
    });
    if (!after) performance.mark('queue:data');
    setLoading(false);
    if (!data) {
      setError(e);
      return;
    }
    setError(null);
    setCursor(data.nextCursor);
    setItems((prev) =>
      after ? [...prev, ...data.items.filter((i) => !prev.some((p) => p.adminComment.id === i.adminComment.id))] : data.items,
    );
    if (!after) {
      setFocus(data.items[0]?.adminComment.id ?? null);
      setFresh(0);
      setDrawn(FIRST_DRAWN);
    }
  };

  useEffect(() => {
    measured.current = false;
    setItems([]);
    setSelected(new Set());
    void load();
  }, [queryKey]);

  useEffect(() => {
    if (drawn >= items.length) return;
    // After the first cards were painted; a tab in the background paints no frames, so at the latest after 100 ms.
    let done = false;
    const rest = () => {
      if (done) return;
      done = true;
      setDrawn(Infinity);
    };
    const frame = requestAnimationFrame(() => setTimeout(rest));
    const latest = setTimeout(rest, 100);
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(latest);
    };
  }, [drawn, items.length]);

  // The bench (bench/console.mjs) reads when the first card was drawn after the data arrived.
  useEffect(() => {
    if (measured.current || !items.length) return;
    measured.current = true;
    requestAnimationFrame(() => performance.mark('queue:first-card'));
  }, [items]);

  // Decided cards leave the queue a moment after the service confirmed them.
  useEffect(() => {
    const done = [...decisions.states].filter(([, s]) => s.phase === 'done').map(([id]) => id);
    if (!done.length || queue === 'decided') return;
    const timer = setTimeout(() => setItems((prev) => prev.filter((i) => !done.includes(i.adminComment.id))), 1500);
    return () => clearTimeout(timer);
  }, [decisions.states]);

  // One shared object for every undecided card, so memoised cards that did not change are not drawn again.
  const stateOf = (id: string): CardState => decisions.states.get(id) ?? OPEN_STATE;
  const isOpen = (id: string) => OPEN.includes((state.current.states.get(id) ?? { phase: 'open' }).phase);

  /** The version to decide at: what a colleague's decision or a lost race made it. */
  const versions = () => {
    const m = new Map<string, number>();
    for (const [id, s] of state.current.states) if (s.phase === 'changed' || s.phase === 'conflict') m.set(id, s.current.version);
    return m;
  };

  const targets = (id?: string): QueueItem[] => {
    const { items: all, selected: sel, focus: f } = state.current;
    const ids = id ? [id] : sel.size ? [...sel] : f ? [f] : [];
    return all.filter((i) => ids.includes(i.adminComment.id) && isOpen(i.adminComment.id));
  };

  /** After a decision the next open card gets the focus (the queue is worked top to bottom). */
  const advance = (from: string) => {
    const { items: all } = state.current;
    const at = all.findIndex((i) => i.adminComment.id === from);
    const next =
      all.slice(at + 1).find((i) => isOpen(i.adminComment.id) && i.adminComment.id !== from) ??
      all
        .slice(0, at)
        .reverse()
        .find((i) => isOpen(i.adminComment.id));
    if (next) setFocus(next.adminComment.id);
  };

  const decide = (list: QueueItem[], decision: Decision) => {
    if (!list.length) return;
    decisions.decide(list, decision, versions());
    setSelected(new Set());
    if (state.current.focus) advance(state.current.focus);
  };

  const actions: CardActions = useMemo(
    () => ({
      focus: (id) => setFocus(id),
      toggle: (id) =>
        setSelected((prev) => {
          const next = new Set(prev);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        }),
      approve: (id) => decide(targets(id), { status: 'approved' }),
      reject: (id) => setDialog({ kind: 'reject', ids: targets(id).map((i) => i.adminComment.id) }),
      spam: (id) => decide(targets(id), { status: 'spam' }),
      author: (item) => setDialog({ kind: 'author', user: item.author }),
      ban: (item) => setDialog({ kind: 'ban', user: item.author }),
      undo: (batch) => decisions.undo(batch),
    }),
    [],
  );

  // The keyboard: one listener for the page (not while typing or while a dialog is open).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || document.querySelector('dialog[open]')) return;
      const { items: all, focus: f, selected: sel } = state.current;
      const at = all.findIndex((i) => i.adminComment.id === f);
      const focused = all[at];
      const bulk = sel.size > 0;
      let handled = true;
      switch (e.key) {
        case 'j':
          if (all[at + 1]) setFocus(all[at + 1].adminComment.id);
          else if (state.current.cursor) void load(state.current.cursor);
          break;
        case 'k':
          if (at > 0) setFocus(all[at - 1].adminComment.id);
          break;
        case 'a':
          decide(targets(), { status: 'approved' });
          break;
        case 'r':
          if (bulk || (focused && isOpen(focused.adminComment.id)))
            setDialog({ kind: 'reject', ids: targets().map((i) => i.adminComment.id) });
          break;
        case 's':
          decide(targets(), { status: 'spam' });
          break;
        case 'x':
          if (focused && isOpen(focused.adminComment.id)) actions.toggle(focused.adminComment.id);
          break;
        case 'X': {
          const open = all.filter((i) => isOpen(i.adminComment.id)).map((i) => i.adminComment.id);
          setSelected(sel.size === open.length ? new Set() : new Set(open));
          break;
        }
        case 'b':
          // Only admins ban staff: the console offers what the role allows.
          if (focused && !focused.author.banned && (c.isAdmin || focused.author.role === 'reader'))
            setDialog({ kind: 'ban', user: focused.author });
          break;
        case 'o':
          if (focused) setDialog({ kind: 'author', user: focused.author });
          break;
        case 'Enter':
          // Enter on the card itself (not on one of its buttons) opens the author's history too.
          if (focused && e.target === document.querySelector(`[data-comment-id="${focused.adminComment.id}"]`))
            setDialog({ kind: 'author', user: focused.author });
          else handled = false;
          break;
        case 'u':
          if (!decisions.undo()) c.announce(t('undo.nothing'));
          break;
        case '/':
          searchInput.current?.focus();
          break;
        case 'Escape':
          if (sel.size) setSelected(new Set());
          else handled = false;
          break;
        default:
          handled = false;
      }
      if (handled) e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [queryKey]);

  // Live: a colleague's decision marks its card; a comment that enters this queue appears (or is counted).
  useEffect(
    () =>
      c.onCommentEvent((e: CommentEvent) => {
        const known = state.current.items.find((i) => i.adminComment.id === e.id);
        if (known) {
          const s = state.current.states.get(e.id);
          if (s?.phase === 'sending' || s?.phase === 'done') return;
          if (e.current && e.current.version > known.adminComment.version && e.current.decidedBy?.id !== c.user.id)
            decisions.mark(e.id, { phase: 'changed', current: e.current });
          return;
        }
        const entersPending = e.toStatus === 'pending' && e.current?.status === 'pending';
        if (!entersPending || (queue !== 'pending' && queue !== 'flagged')) return;
        const article = search.get('article');
        if (article && article !== e.article.slug) return;
        if (state.current.cursor) return setFresh((n) => n + 1);
        void api.GET('/api/admin/comments/{commentId}', { params: { path: { commentId: e.id } } }).then(({ data }) => {
          if (!data) return;
          const item = data.item;
          if (queue === 'flagged' && (!item.hold || item.hold.source === 'reports')) return;
          const q = search.get('q');
          if (q && !item.adminComment.body.toLowerCase().includes(q.toLowerCase())) return;
          setItems((prev) => (prev.some((p) => p.adminComment.id === item.adminComment.id) ? prev : [...prev, item]));
          setFocus((f) => f ?? item.adminComment.id);
          c.announce(t('queue.arrived', { author: item.author.username }));
        });
      }),
    [queryKey],
  );

  const openIds = items.filter((i) => isOpen(i.adminComment.id)).map((i) => i.adminComment.id);
  const selectedOpen = [...selected].filter((id) => openIds.includes(id));
  const count = c.counts
    ? {
        pending: c.counts.pending,
        reported: c.counts.reportedOpen,
        flagged: c.counts.flagged,
        notices: c.counts.noticed,
        decided: undefined,
      }[queue]
    : undefined;

  return (
    <div class="page queue">
      <PageTitle>
        {t(`queue.${queue}`)}
        {count !== undefined && !search.get('article') && !search.get('q') && <span class="title-count"> ({count})</span>}
      </PageTitle>
      <p class="muted">{t(`queue.${queue}.about`)}</p>
      <Filters queue={queue} searchInput={searchInput} />
      {fresh > 0 && (
        <p class="fresh" role="status">
          <button type="button" onClick={() => void load()}>
            {t('queue.fresh', { count: fresh })}
          </button>
        </p>
      )}
      <div class="bulk" role="region" aria-label={t('bulk.label')}>
        <label class="choice">
          <input
            type="checkbox"
            checked={openIds.length > 0 && selectedOpen.length === openIds.length}
            onChange={() => setSelected(selectedOpen.length === openIds.length ? new Set() : new Set(openIds))}
            disabled={!openIds.length}
            aria-keyshortcuts="Shift+X"
          />
          <span>{t('bulk.selectAll', { count: openIds.length })}</span>
        </label>
        {selectedOpen.length > 0 && (
          <>
            <span class="bulk-count" role="status">
              {t('bulk.selected', { count: selectedOpen.length })}
            </span>
            {queue !== 'decided' || search.get('status') !== 'approved' ? (
              <button type="button" class="approve" onClick={() => decide(targets(), { status: 'approved' })}>
                {t('bulk.approve')}
              </button>
            ) : null}
            <button type="button" class="reject" onClick={() => setDialog({ kind: 'reject', ids: selectedOpen })}>
              {t('bulk.reject')}
            </button>
            <button type="button" onClick={() => decide(targets(), { status: 'spam' })}>
              {t('bulk.spam')}
            </button>
            <button type="button" class="link" onClick={() => setSelected(new Set())}>
              {t('bulk.clear')}
            </button>
          </>
        )}
      </div>
      <ErrorText error={error} />
      {!loading && !items.length && !error && <p class="empty">{t('queue.empty')}</p>}
      <ol class="cards" aria-label={t(`queue.${queue}`)} aria-busy={loading}>
        {items.slice(0, drawn).map((item) => (
          <CommentCard
            key={item.adminComment.id}
            item={item}
            state={stateOf(item.adminComment.id)}
            focused={focus === item.adminComment.id}
            selected={selected.has(item.adminComment.id)}
            actions={actions}
          />
        ))}
      </ol>
      {cursor && (
        <p class="more">
          <button type="button" onClick={() => void load(cursor)} disabled={loading}>
            {loading ? t('loading') : t('loadMore')}
          </button>
        </p>
      )}
      {dialog && (dialog.kind === 'reject' || dialog.kind === 'spam') && (
        <ReasonDialog
          status={dialog.kind === 'reject' ? 'rejected' : 'spam'}
          title={
            dialog.ids.length === 1
              ? t('reason.titleOne', { author: items.find((i) => i.adminComment.id === dialog.ids[0])?.author.username ?? '' })
              : t('reason.titleMany', { count: dialog.ids.length })
          }
          onClose={() => setDialog(null)}
          onDecide={(d) => {
            const list = items.filter((i) => dialog.ids.includes(i.adminComment.id));
            setDialog(null);
            decide(list, d);
          }}
        />
      )}
      {dialog?.kind === 'ban' && (
        <BanDialog user={dialog.user} onClose={() => setDialog(null)} onBanned={() => (setDialog(null), void load())} />
      )}
      {dialog?.kind === 'author' && <AuthorDrawer user={dialog.user} onClose={() => setDialog(null)} onChanged={() => void load()} />}
    </div>
  );
}

/** Filters of a queue, kept in the address (shareable, back button): article, text, and the decided status. */
function Filters(props: { queue: QueueName; searchInput: { current: HTMLInputElement | null } }) {
  const { t, search, path, navigate, api } = useConsole();
  const [articles, setArticles] = useState<Schemas['AdminArticleDto'][]>([]);
  const [article, setArticle] = useState('');
  const active = search.get('article');
  const [activeTitle, setActiveTitle] = useState<string | null>(null);

  useEffect(() => {
    if (!active) return setActiveTitle(null);
    void api
      .GET('/api/articles/{slug}', { params: { path: { slug: active } } })
      .then(({ data }) => setActiveTitle(data?.article.title ?? active));
  }, [active]);

  useEffect(() => {
    const q = article.trim();
    const timer = setTimeout(() => {
      void api
        .GET('/api/admin/articles', { params: { query: { q: q || undefined, limit: 20 } } })
        .then(({ data }) => data && setArticles(data.items));
    }, 250);
    return () => clearTimeout(timer);
  }, [article]);

  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const typed = String(form.get('article') ?? '').trim();
    const match = articles.find((a) => a.slug === typed || a.title === typed);
    setArticle('');
    navigate(
      withQuery(path, search, {
        article: match?.slug ?? (typed || active || undefined),
        q: String(form.get('q') ?? '').trim() || undefined,
        status: props.queue === 'decided' ? String(form.get('status')) : undefined,
      }),
    );
  };

  return (
    <>
      {active && (
        <p class="chip">
          <span>
            {t('filters.article')}: <strong>{activeTitle ?? active}</strong>
          </span>
          <button
            type="button"
            onClick={() => navigate(withQuery(path, search, { article: undefined }))}
            aria-label={t('filters.removeArticle')}
          >
            ×
          </button>
        </p>
      )}
      <form class="filters" role="search" aria-label={t('filters.label')} onSubmit={submit}>
        <div class="field">
          <label for="f-article">{t(active ? 'filters.otherArticle' : 'filters.article')}</label>
          <input
            id="f-article"
            name="article"
            list="f-articles"
            value={article}
            onInput={(e) => setArticle((e.target as HTMLInputElement).value)}
            autocomplete="off"
          />
          <datalist id="f-articles">
            {articles.map((a) => (
              <option key={a.id} value={a.slug}>
                {a.title}
              </option>
            ))}
          </datalist>
        </div>
        <div class="field">
          <label for="f-q">{t('filters.text')}</label>
          <input
            id="f-q"
            name="q"
            type="search"
            ref={props.searchInput}
            defaultValue={search.get('q') ?? ''}
            maxLength={200}
            aria-keyshortcuts="/"
          />
        </div>
        {props.queue === 'decided' && (
          <div class="field">
            <label for="f-status">{t('filters.status')}</label>
            <select id="f-status" name="status" defaultValue={search.get('status') ?? 'rejected'}>
              {DECIDED.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit">{t('filters.apply')}</button>
        {(search.get('article') || search.get('q')) && (
          <a
            href={`${BASE}/queue/${props.queue}`}
            onClick={(e) => {
              e.preventDefault();
              setArticle('');
              navigate(`${BASE}/queue/${props.queue}`);
            }}
          >
            {t('filters.clear')}
          </a>
        )}
      </form>
    </>
  );
}
