import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';
import { ErrorText, More, PageTitle, Time } from '../ui';

type Entry = Schemas['AuditEntryDto'];

/** Who did what, newest first: every decision, ban, role change and settings change (append-only). */
export function AuditPage() {
  const { api, t } = useConsole();
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (after?: string | null) => {
    setLoading(true);
    const { data, error: e } = await api.GET('/api/admin/audit-log', { params: { query: { cursor: after ?? undefined, limit: 50 } } });
    setLoading(false);
    setError(e ?? null);
    if (!data) return;
    setItems((prev) => (after ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  };
  useEffect(() => void load(), []);

  return (
    <div class="page">
      <PageTitle>{t('nav.audit')}</PageTitle>
      <ErrorText error={error} />
      <table class="table">
        <caption class="visually-hidden">{t('nav.audit')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.when')}</th>
            <th scope="col">{t('audit.who')}</th>
            <th scope="col">{t('audit.what')}</th>
            <th scope="col">{t('audit.about')}</th>
            <th scope="col">{t('audit.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td>
                <Time iso={e.createdAt} />
              </td>
              <td>{e.moderator?.username ?? t('card.automatic')}</td>
              <td>
                {t(`audit.${e.action}`)}
                {e.toStatus && ` → ${t(`status.${e.toStatus}`)}`}
              </td>
              <td>{e.targetUser?.username ?? e.article?.slug ?? '—'}</td>
              <td>{e.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <More cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
    </div>
  );
}
