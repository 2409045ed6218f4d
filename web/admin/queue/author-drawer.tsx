import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { date } from '../../shared/format';
import { useConsole } from '../context';
import { Dialog, ErrorText, Time } from '../ui';
import { BanDialog } from './ban-dialog';

type History = Schemas['UserHistoryDto'];

/**
 * The author drawer: who wrote this, at a glance — the account's age, its comments by status, earlier decisions
 * and bans, and what colleagues noted about it (notes are shown as text and never to the account).
 */
export function AuthorDrawer(props: { user: { id: string; username: string }; onClose: () => void; onChanged: () => void }) {
  const { api, t, i18n, user: me, isAdmin, announce } = useConsole();
  const [history, setHistory] = useState<History | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const [banning, setBanning] = useState(false);

  const load = async () => {
    const { data, error: e } = await api.GET('/api/admin/users/{userId}/history', { params: { path: { userId: props.user.id } } });
    setHistory(data ?? null);
    setError(e ?? null);
  };
  useEffect(() => void load(), [props.user.id]);

  const addNote = async (e: Event) => {
    e.preventDefault();
    if (!note.trim()) return;
    const { error: err } = await api.POST('/api/admin/users/{userId}/notes', {
      params: { path: { userId: props.user.id } },
      body: { body: note },
    });
    if (err) return setError(err);
    setNote('');
    announce(t('notes.added'));
    await load();
  };

  const removeNote = async (noteId: string) => {
    const { error: err } = await api.DELETE('/api/admin/users/{userId}/notes/{noteId}', {
      params: { path: { userId: props.user.id, noteId } },
    });
    if (err) return setError(err);
    await load();
  };

  const unban = async () => {
    const { error: err } = await api.DELETE('/api/admin/users/{userId}/ban', { params: { path: { userId: props.user.id } } });
    if (err) return setError(err);
    announce(t('ban.lifted', { user: props.user.username }));
    props.onChanged();
    await load();
  };

  const u = history?.user;
  const c = history?.comments;
  return (
    <Dialog title={t('drawer.title', { user: props.user.username })} onClose={props.onClose} side>
      <ErrorText error={error} />
      {!history && !error && <p>{t('loading')}</p>}
      {u && c && (
        <>
          <dl class="facts">
            <dt>{t('drawer.since')}</dt>
            <dd>
              {date(u.createdAt, i18n.locale)} (<Time iso={u.createdAt} />)
            </dd>
            {u.displayName && (
              <>
                <dt>{t('drawer.name')}</dt>
                <dd>{u.displayName}</dd>
              </>
            )}
            {u.email && (
              <>
                <dt>{t('drawer.email')}</dt>
                <dd>{u.email}</dd>
              </>
            )}
            <dt>{t('drawer.role')}</dt>
            <dd>{t(`role.${u.role}`)}</dd>
            <dt>{t('drawer.ban')}</dt>
            <dd>
              {u.ban ? (
                <>
                  <span class="badge danger">{t('card.banned')}</span> {u.ban.reason}
                  {u.ban.until ? (
                    <>
                      {' '}
                      · {t('drawer.until')} <Time iso={u.ban.until} />
                    </>
                  ) : (
                    ` · ${t('ban.forever')}`
                  )}
                </>
              ) : (
                t('drawer.notBanned')
              )}
            </dd>
          </dl>
          <h3>{t('drawer.comments')}</h3>
          <table class="counts">
            <caption class="visually-hidden">{t('drawer.comments')}</caption>
            <thead>
              <tr>
                {(['approved', 'pending', 'rejected', 'spam', 'deleted', 'reported'] as const).map((k) => (
                  <th key={k} scope="col">
                    {t(`status.${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {(['approved', 'pending', 'rejected', 'spam', 'deleted', 'reported'] as const).map((k) => (
                  <td key={k}>{c[k]}</td>
                ))}
              </tr>
            </tbody>
          </table>
          <div class="buttons">
            {u.ban ? (
              <button type="button" onClick={() => void unban()}>
                {t('ban.lift')}
              </button>
            ) : (
              (u.role === 'reader' || isAdmin) &&
              u.id !== me.id && (
                <button type="button" class="reject" onClick={() => setBanning(true)}>
                  {t('action.ban')}
                </button>
              )
            )}
          </div>
          <h3>{t('drawer.decisions')}</h3>
          {history.decisions.length ? (
            <ul class="history">
              {history.decisions.map((d) => (
                <li key={d.id}>
                  <strong>{t(`audit.${d.action}`)}</strong>
                  {d.toStatus && ` → ${t(`status.${d.toStatus}`)}`} · {d.moderator?.username ?? t('card.automatic')} ·{' '}
                  <Time iso={d.createdAt} />
                  {d.reason && <div class="muted">{d.reason}</div>}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t('drawer.noDecisions')}</p>
          )}
          <h3>{t('drawer.notes')}</h3>
          {history.notes.length ? (
            <ul class="notes">
              {history.notes.map((n) => (
                <li key={n.id}>
                  <p class="note-body">{n.body}</p>
                  <p class="muted">
                    {n.author?.username ?? t('card.erased')} · <Time iso={n.createdAt} />{' '}
                    {(n.author?.id === me.id || isAdmin) && (
                      <button type="button" class="link" onClick={() => void removeNote(n.id)}>
                        {t('notes.remove')}
                      </button>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t('drawer.noNotes')}</p>
          )}
          <form onSubmit={(e) => void addNote(e)} class="stack">
            <div class="field">
              <label for="note">{t('notes.new')}</label>
              <textarea
                id="note"
                rows={3}
                maxLength={2000}
                value={note}
                onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
              />
            </div>
            <button type="submit">{t('notes.add')}</button>
          </form>
        </>
      )}
      {banning && (
        <BanDialog
          user={props.user}
          onClose={() => setBanning(false)}
          onBanned={() => {
            setBanning(false);
            props.onChanged();
            void load();
          }}
        />
      )}
    </Dialog>
  );
}
