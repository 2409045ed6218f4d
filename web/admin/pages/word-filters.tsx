import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';
import { ErrorText, More, PageTitle, Time } from '../ui';

type Entry = Schemas['WordFilterDto'];

/** Banned words reject a comment at once; suspect words hold it for a moderator (the "flagged" queue). Admins edit. */
export function WordFiltersPage() {
  const { api, t, isAdmin, announce } = useConsole();
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (after?: string | null) => {
    setLoading(true);
    const { data, error: e } = await api.GET('/api/admin/word-filters', { params: { query: { cursor: after ?? undefined, limit: 100 } } });
    setLoading(false);
    setError(e ?? null);
    if (!data) return;
    setItems((prev) => (after ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  };
  useEffect(() => void load(), []);

  const add = async (e: Event) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    const form = new FormData(f);
    const { data, error: err } = await api.POST('/api/admin/word-filters', {
      body: { word: String(form.get('word')), kind: String(form.get('kind')) as 'banned' | 'suspect' },
    });
    if (!data) return setError(err);
    f.reset();
    setError(null);
    announce(t('filters.added', { word: data.filter.word }));
    await load();
  };

  const remove = async (entry: Entry) => {
    const { error: err } = await api.DELETE('/api/admin/word-filters/{wordFilterId}', { params: { path: { wordFilterId: entry.id } } });
    if (err) return setError(err);
    announce(t('filters.removed', { word: entry.word }));
    setItems((prev) => prev.filter((x) => x.id !== entry.id));
  };

  return (
    <div class="page">
      <PageTitle>{t('nav.wordFilters')}</PageTitle>
      <p class="muted">{t('filters.about')}</p>
      {isAdmin && (
        <form class="filters" onSubmit={(e) => void add(e)}>
          <div class="field">
            <label for="w-word">{t('filters.word')}</label>
            <input id="w-word" name="word" required maxLength={100} aria-describedby="w-hint" />
          </div>
          <div class="field">
            <label for="w-kind">{t('filters.kind')}</label>
            <select id="w-kind" name="kind">
              <option value="suspect">{t('filters.suspect')}</option>
              <option value="banned">{t('filters.banned')}</option>
            </select>
          </div>
          <button type="submit">{t('filters.add')}</button>
          <p class="hint" id="w-hint">
            {t('filters.wordHint')}
          </p>
        </form>
      )}
      <ErrorText error={error} />
      <table class="table">
        <caption class="visually-hidden">{t('nav.wordFilters')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('filters.word')}</th>
            <th scope="col">{t('filters.kind')}</th>
            <th scope="col">{t('filters.by')}</th>
            {isAdmin && <th scope="col">{t('actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((w) => (
            <tr key={w.id}>
              <th scope="row">{w.word}</th>
              <td>{t(`filters.${w.kind}`)}</td>
              <td>
                {w.createdBy?.username ?? '—'} · <Time iso={w.createdAt} />
              </td>
              {isAdmin && (
                <td>
                  <button type="button" onClick={() => void remove(w)} aria-label={t('filters.removeWord', { word: w.word })}>
                    {t('remove')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <More cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
    </div>
  );
}
