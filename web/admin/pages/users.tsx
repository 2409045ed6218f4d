import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';
import { AuthorDrawer } from '../queue/author-drawer';
import { ErrorText, More, PageTitle, Time } from '../ui';

type User = Schemas['AdminUserDto'];
const ROLES = ['reader', 'moderator', 'admin'] as const;
/** Badges offered in the list (the API takes any lowercase word; one set elsewhere, e.g. by SSO, is kept and shown). */
const BADGES = ['staff', 'journalist', 'editor'] as const;

/** Accounts: find one by name or email, see the staff, change roles (admins), open an account's history. */
export function UsersPage() {
  const { api, t, isAdmin, user: me, announce } = useConsole();
  const [items, setItems] = useState<User[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [filter, setFilter] = useState<{ q?: string; role?: (typeof ROLES)[number]; banned?: 'true' }>({});
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<User | null>(null);

  const load = async (after?: string | null) => {
    setLoading(true);
    const { data, error: e } = await api.GET('/api/admin/users', {
      params: { query: { ...filter, cursor: after ?? undefined, limit: 50 } },
    });
    setLoading(false);
    setError(e ?? null);
    if (!data) return;
    setItems((prev) => (after ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  };
  useEffect(() => void load(), [JSON.stringify(filter)]);

  const changeRole = async (u: User, role: (typeof ROLES)[number]) => {
    const { data, error: e } = await api.PATCH('/api/admin/users/{userId}', { params: { path: { userId: u.id } }, body: { role } });
    if (!data) return setError(e);
    setItems((prev) => prev.map((x) => (x.id === u.id ? data.user : x)));
    announce(t('users.roleChanged', { user: u.username, role: t(`role.${role}`) }));
  };

  const changeBadge = async (u: User, badge: string) => {
    const params = { params: { path: { userId: u.id } } };
    const { data, error: e } = badge
      ? await api.PUT('/api/admin/users/{userId}/badge', { ...params, body: { badge } })
      : await api.DELETE('/api/admin/users/{userId}/badge', params);
    if (!data) return setError(e);
    setItems((prev) => prev.map((x) => (x.id === u.id ? data.user : x)));
    announce(badge ? t('users.badgeGiven', { user: u.username, badge: badgeName(badge) }) : t('users.badgeTaken', { user: u.username }));
  };
  const badgeName = (b: string) => ((BADGES as readonly string[]).includes(b) ? t(`badge.${b}`) : b);

  return (
    <div class="page">
      <PageTitle>{t('nav.users')}</PageTitle>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget as HTMLFormElement);
          const role = String(form.get('role') ?? '');
          setFilter({
            q: String(form.get('q') ?? '').trim() || undefined,
            role: role ? (role as (typeof ROLES)[number]) : undefined,
            banned: form.get('banned') === 'on' ? 'true' : undefined,
          });
        }}
      >
        <div class="field">
          <label for="u-q">{t('users.search')}</label>
          <input id="u-q" name="q" type="search" maxLength={200} />
        </div>
        <div class="field">
          <label for="u-role">{t('users.role')}</label>
          <select id="u-role" name="role">
            <option value="">{t('users.anyRole')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <label class="choice">
          <input type="checkbox" name="banned" />
          <span>{t('users.bannedOnly')}</span>
        </label>
        <button type="submit">{t('filters.apply')}</button>
      </form>
      <ErrorText error={error} />
      <table class="table">
        <caption class="visually-hidden">{t('nav.users')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('users.name')}</th>
            <th scope="col">{t('users.email')}</th>
            <th scope="col">{t('users.since')}</th>
            <th scope="col">{t('users.approved')}</th>
            <th scope="col">{t('users.role')}</th>
            <th scope="col">{t('users.badge')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((u) => (
            <tr key={u.id}>
              <th scope="row">
                <button type="button" class="link" onClick={() => setOpen(u)} aria-haspopup="dialog">
                  {u.username}
                </button>
                {u.ban && <span class="badge danger">{t('card.banned')}</span>}
              </th>
              <td>{u.email ?? '—'}</td>
              <td>
                <Time iso={u.createdAt} />
              </td>
              <td>{u.approvedCommentCount}</td>
              <td>
                {isAdmin && u.id !== me.id ? (
                  <select
                    value={u.role}
                    aria-label={t('users.roleOf', { user: u.username })}
                    onChange={(e) => void changeRole(u, (e.target as HTMLSelectElement).value as (typeof ROLES)[number])}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                ) : (
                  t(`role.${u.role}`)
                )}
              </td>
              <td>
                {isAdmin ? (
                  <select
                    value={u.badge ?? ''}
                    aria-label={t('users.badgeOf', { user: u.username })}
                    onChange={(e) => void changeBadge(u, (e.target as HTMLSelectElement).value)}
                  >
                    <option value="">{t('badge.none')}</option>
                    {[...BADGES, ...(u.badge && !(BADGES as readonly string[]).includes(u.badge) ? [u.badge] : [])].map((b) => (
                      <option key={b} value={b}>
                        {badgeName(b)}
                      </option>
                    ))}
                  </select>
                ) : u.badge ? (
                  badgeName(u.badge)
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <More cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
      {open && <AuthorDrawer user={open} onClose={() => setOpen(null)} onChanged={() => void load()} />}
    </div>
  );
}
