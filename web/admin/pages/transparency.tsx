import { useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';
import { ErrorText, PageTitle } from '../ui';

type Report = Schemas['TransparencyReportDto'];

const startOfYear = () => `${new Date().getUTCFullYear()}-01-01`;
const today = () => new Date().toISOString().slice(0, 10);

/** The DSA transparency report for a period (Art. 15, 24) and the statements of reasons as NDJSON (Art. 24(5)). */
export function TransparencyPage() {
  const { api, session, t } = useConsole();
  const [period, setPeriod] = useState({ from: startOfYear(), to: today() });
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  // `to` is inclusive for people (a day), exclusive for the API (the next midnight, UTC).
  const range = () => ({
    from: `${period.from}T00:00:00.000Z`,
    to: new Date(Date.parse(`${period.to}T00:00:00.000Z`) + 86_400_000).toISOString(),
  });

  const show = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const { data, error: err } = await api.GET('/api/admin/transparency/report', { params: { query: range() } });
    setBusy(false);
    setReport(data ?? null);
    setError(err ?? null);
  };

  // The download goes through fetch (the token in a header, never in a link), then a file from memory.
  const download = async () => {
    const { from, to } = range();
    const response = await session.fetch(
      new Request(`${session.base}/api/admin/transparency/statements?${new URLSearchParams({ from, to })}`),
    );
    if (!response.ok) return setError(await response.json().catch(() => ({ error: { code: 'network' } })));
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `statements-${period.from}-${period.to}.ndjson`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const figures = (title: string, values: Record<string, unknown>) => (
    <section class="figures">
      <h2>{title}</h2>
      <dl>
        {Object.entries(values).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              {typeof v === 'object' && v !== null
                ? Object.entries(v)
                    .map(([a, b]) => `${a}: ${String(b)}`)
                    .join(', ') || '—'
                : String(v ?? '—')}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );

  return (
    <div class="page">
      <PageTitle>{t('nav.transparency')}</PageTitle>
      <form class="filters" onSubmit={(e) => void show(e)}>
        <div class="field">
          <label for="t-from">{t('transparency.from')}</label>
          <input
            id="t-from"
            type="date"
            required
            value={period.from}
            onInput={(e) => setPeriod({ ...period, from: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="t-to">{t('transparency.to')}</label>
          <input
            id="t-to"
            type="date"
            required
            value={period.to}
            onInput={(e) => setPeriod({ ...period, to: (e.target as HTMLInputElement).value })}
          />
        </div>
        <button type="submit" disabled={busy}>
          {t('transparency.show')}
        </button>
        <button type="button" onClick={() => void download()}>
          {t('transparency.download')}
        </button>
      </form>
      <ErrorText error={error} />
      {report && (
        <div class="report">
          {figures(t('transparency.notices'), report.notices)}
          {figures(t('transparency.decisions'), report.decisions)}
          {figures(t('transparency.appeals'), report.appeals)}
          {figures(t('transparency.misuse'), report.misuse)}
        </div>
      )}
    </div>
  );
}
