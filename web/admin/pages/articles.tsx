import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';
import { BASE } from '../router';
import { ErrorText, More, PageTitle } from '../ui';

type Article = Schemas['AdminArticleDto'];

/** Articles and their comment settings: open or closed, pre- or post-moderated, trusted authors skipping the queue. */
export function ArticlesPage() {
  const { api, t, announce, navigate } = useConsole();
  const [items, setItems] = useState<Article[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (after?: string | null) => {
    setLoading(true);
    const { data, error: e } = await api.GET('/api/admin/articles', {
      params: { query: { q: q || undefined, cursor: after ?? undefined, limit: 50 } },
    });
    setLoading(false);
    setError(e ?? null);
    if (!data) return;
    setItems((prev) => (after ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  };
  useEffect(() => void load(), []);

  const change = async (a: Article, body: { commentsOpen?: boolean; moderation?: 'pre' | 'post'; trustedBypass?: boolean }) => {
    const { data, error: e } = await api.PATCH('/api/admin/articles/{slug}', { params: { path: { slug: a.slug } }, body });
    if (!data) return setError(e);
    setItems((prev) => prev.map((x) => (x.id === a.id ? { ...x, ...data.articleSettings } : x)));
    announce(t('articles.saved', { title: a.title }));
  };

  return (
    <div class="page">
      <PageTitle>{t('nav.articles')}</PageTitle>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <div class="field">
          <label for="a-q">{t('articles.search')}</label>
          <input id="a-q" type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        </div>
        <button type="submit">{t('filters.apply')}</button>
      </form>
      <ErrorText error={error} />
      <table class="table">
        <caption class="visually-hidden">{t('nav.articles')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('articles.title')}</th>
            <th scope="col">{t('articles.pending')}</th>
            <th scope="col">{t('articles.comments')}</th>
            <th scope="col">{t('articles.open')}</th>
            <th scope="col">{t('articles.mode')}</th>
            <th scope="col">{t('articles.trusted')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                <a href={`/articles/${encodeURIComponent(a.slug)}`} target="_blank" rel="noopener noreferrer">
                  {a.title}
                </a>
              </th>
              <td>
                {a.pendingCount > 0 ? (
                  <a
                    href={`${BASE}/queue/pending?article=${encodeURIComponent(a.slug)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`${BASE}/queue/pending?article=${encodeURIComponent(a.slug)}`);
                    }}
                  >
                    {t('articles.pendingLink', { count: a.pendingCount })}
                  </a>
                ) : (
                  0
                )}
              </td>
              <td>{a.commentCount}</td>
              <td>
                <input
                  type="checkbox"
                  checked={a.commentsOpen}
                  aria-label={t('articles.openFor', { title: a.title })}
                  onChange={(e) => void change(a, { commentsOpen: (e.target as HTMLInputElement).checked })}
                />
              </td>
              <td>
                <select
                  value={a.moderation}
                  aria-label={t('articles.modeFor', { title: a.title })}
                  onChange={(e) => void change(a, { moderation: (e.target as HTMLSelectElement).value as 'pre' | 'post' })}
                >
                  <option value="pre">{t('articles.pre')}</option>
                  <option value="post">{t('articles.post')}</option>
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  checked={a.trustedBypass}
                  aria-label={t('articles.trustedFor', { title: a.title })}
                  onChange={(e) => void change(a, { trustedBypass: (e.target as HTMLInputElement).checked })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <More cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
    </div>
  );
}
