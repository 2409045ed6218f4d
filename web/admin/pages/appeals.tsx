import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';
import { ErrorText, More, PageTitle, Time } from '../ui';

type Item = Schemas['AppealQueueItemDto'];
type Status = 'open' | 'upheld' | 'reversed';

/**
 * Appeals against decisions (DSA Art. 20), oldest first. A decision is reviewed by someone other than its author:
 * the service refuses the author (APPEAL_SAME_DECIDER) and the console says so before anyone tries.
 */
export function AppealsPage() {
  const { api, t, user, announce } = useConsole();
  const [status, setStatus] = useState<Status>('open');
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (after?: string | null) => {
    setLoading(true);
    const { data, error: e } = await api.GET('/api/admin/appeals', {
      params: { query: { status, cursor: after ?? undefined, limit: 50 } },
    });
    setLoading(false);
    setError(e ?? null);
    if (!data) return;
    setItems((prev) => (after ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  };
  useEffect(() => void load(), [status]);

  const decide = async (item: Item, e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const { data, error: err } = await api.PATCH('/api/admin/appeals/{appealId}', {
      params: { path: { appealId: item.appeal.id } },
      body: { outcome: String(form.get('outcome')) as 'upheld' | 'reversed', explanation: String(form.get('explanation')).trim() },
    });
    if (!data) return setError(err);
    announce(t(`appeals.done.${data.appeal.status}`));
    setItems((prev) => prev.filter((x) => x.appeal.id !== item.appeal.id));
  };

  return (
    <div class="page">
      <PageTitle>{t('nav.appeals')}</PageTitle>
      <div class="filters">
        <div class="field">
          <label for="ap-status">{t('filters.status')}</label>
          <select id="ap-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as Status)}>
            {(['open', 'upheld', 'reversed'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`appeals.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorText error={error} />
      {!loading && !items.length && <p class="empty">{t('appeals.empty')}</p>}
      <ol class="cards">
        {items.map((item) => {
          const mine = item.decidedBy?.id === user.id;
          const formId = `appeal-${item.appeal.id}`;
          return (
            <li key={item.appeal.id} class="card-item">
              <article class="card" aria-labelledby={`${formId}-title`}>
                <h2 id={`${formId}-title`} class="card-title">
                  {t('appeals.by', { user: item.appellant?.username ?? t('card.erased') })} · <Time iso={item.appeal.createdAt} />
                </h2>
                <p class="body">{item.appeal.explanation}</p>
                <h3>{t('appeals.decision')}</h3>
                <p>
                  {t(`audit.${item.decision.action}`)} · {t(`category.${item.decision.category}`)} ·{' '}
                  {item.decidedBy?.username ?? t('card.automatic')} · <Time iso={item.decision.createdAt} />
                </p>
                <p class="muted">{item.decision.decisionFacts}</p>
                {item.commentBody !== null && (
                  <blockquote class="parent">
                    <p class="parent-body">{item.commentBody}</p>
                  </blockquote>
                )}
                {item.appeal.status === 'open' ? (
                  mine ? (
                    <p class="card-state warn">{t('appeals.yours')}</p>
                  ) : (
                    <form class="stack" onSubmit={(e) => void decide(item, e)}>
                      <fieldset>
                        <legend>{t('appeals.outcome')}</legend>
                        <label class="choice">
                          <input type="radio" name="outcome" value="upheld" defaultChecked />
                          <span>{t('appeals.uphold')}</span>
                        </label>
                        <label class="choice">
                          <input type="radio" name="outcome" value="reversed" />
                          <span>{t('appeals.reverse')}</span>
                        </label>
                      </fieldset>
                      <div class="field">
                        <label for={`${formId}-explanation`}>{t('appeals.explanation')}</label>
                        <textarea id={`${formId}-explanation`} name="explanation" rows={3} required maxLength={5000} />
                      </div>
                      <button type="submit">{t('appeals.decide')}</button>
                    </form>
                  )
                ) : (
                  <p>
                    {t(`appeals.status.${item.appeal.status}`)}: {item.appeal.outcomeExplanation}
                  </p>
                )}
              </article>
            </li>
          );
        })}
      </ol>
      <More cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
    </div>
  );
}
