import { useState } from 'preact/hooks';
import { commentId, useCtx } from './context';
import { AccountBar, Decisions, SignIn } from './components/account';
import { Notifications } from './components/notifications';
import { CommentForm } from './components/comment-form';
import { ThreadView } from './components/comment';

/** The comment section: title with the count, sort, the form (or sign-in), live notices, the threads. */
export function App() {
  const { model, state, t, focus } = useCtx();
  // One of the account's panels at a time; focus goes into it, and back to its button when it closes.
  const [panel, setPanel] = useState<'decisions' | 'notifications' | null>(null);
  const [error, setError] = useState('');
  const [key, setKey] = useState(() => model.newKey());
  const count = state.article?.commentCount ?? 0;
  const open = state.article?.commentsOpen !== false;
  const user = state.user;

  const close = (which: 'decisions' | 'notifications') => {
    setPanel(null);
    focus(`nc-${which}-button`);
  };

  const attempt = async (work: () => Promise<unknown>) => {
    setError('');
    try {
      await work();
    } catch (err) {
      setError(t.error(err));
    }
  };

  return (
    <section class="nc" part="root" aria-labelledby="nc-title" lang={t.locale.slice(0, 2)}>
      <header class="nc-header" part="header">
        <h2 id="nc-title" class="nc-title" part="title" tabindex={-1}>
          {state.article ? t.fill(t.m.title, { n: count }) : t.m.heading}
        </h2>
        {state.phase === 'ready' && (
          <div class="nc-sort">
            <label for="nc-sort">{t.m.sort}</label>
            <select
              id="nc-sort"
              class="nc-input"
              part="input sort"
              value={state.sort}
              onChange={(e) => void attempt(() => model.reload((e.target as HTMLSelectElement).value as 'newest' | 'oldest' | 'top'))}
            >
              <option value="newest">{t.m.sortNewest}</option>
              <option value="oldest">{t.m.sortOldest}</option>
              <option value="top">{t.m.sortTop}</option>
            </select>
          </div>
        )}
      </header>

      <div class="nc-sr" role="status" aria-live="polite" aria-atomic="true">
        {state.announcement}
      </div>

      {state.phase === 'loading' && <p class="nc-note">{t.m.loading}</p>}
      {state.phase === 'unavailable' && <p class="nc-note">{t.m.unavailable}</p>}
      {state.phase === 'failed' && (
        <div class="nc-row">
          <p class="nc-error" part="error" role="alert">
            {t.error(state.failure)}
          </p>
          <button type="button" class="nc-button" part="button" onClick={() => void model.start()}>
            {t.m.retry}
          </button>
        </div>
      )}

      {state.phase === 'ready' && (
        <>
          {user && (
            <AccountBar
              onDecisions={() => {
                setPanel('decisions');
                focus('nc-decisions');
              }}
              onNotifications={() => {
                setPanel('notifications');
                focus('nc-notifications');
              }}
            />
          )}
          {panel &&
            user &&
            (panel === 'decisions' ? <Decisions onClose={() => close(panel)} /> : <Notifications onClose={() => close(panel)} />)}
          {!open ? (
            <p class="nc-note nc-closed">{t.m.closed}</p>
          ) : !user ? (
            <SignIn />
          ) : user.ban ? null : (
            <CommentForm
              key={key}
              id="nc-new"
              label={t.m.yourComment}
              submitLabel={t.m.publish}
              onSubmit={async (body) => {
                const posted = await model.post(body, null, key);
                setKey(model.newKey());
                focus(commentId(posted.id));
              }}
            />
          )}
          {state.config?.dsa.termsUrl && (
            <p class="nc-guidelines">
              <a href={state.config.dsa.termsUrl} target="_blank" rel="noopener noreferrer">
                {t.m.guidelines}
              </a>
            </p>
          )}

          {state.incoming.length > 0 && (
            <button
              type="button"
              class="nc-button nc-incoming"
              part="button incoming"
              onClick={() => {
                const first = model.showIncoming();
                if (first) focus(commentId(first));
              }}
            >
              {t.plural(t.m.newComments, state.incoming.length)}
            </button>
          )}
          {state.stale && (
            <button
              type="button"
              class="nc-button nc-incoming"
              part="button incoming"
              onClick={() => void attempt(() => model.reload(state.sort, true))}
            >
              {t.m.changesWaiting}
            </button>
          )}
          {error && (
            <p class="nc-error" part="error" role="alert">
              {error}
            </p>
          )}

          {state.threads.length === 0 && open && <p class="nc-note">{t.m.empty}</p>}
          <ol id="nc-list" class="nc-list" part="list" tabindex={-1} aria-labelledby="nc-title">
            {state.threads.map((thread) => (
              <ThreadView key={thread.id} thread={thread} />
            ))}
          </ol>
          {state.nextCursor && (
            <button
              type="button"
              class="nc-button nc-more"
              part="button load-more"
              disabled={state.loadingMore}
              onClick={() =>
                void attempt(async () => {
                  const first = await model.loadMore();
                  if (first) focus(commentId(first));
                })
              }
            >
              {state.loadingMore ? t.m.loadingMore : t.m.loadMore}
            </button>
          )}
        </>
      )}
    </section>
  );
}
