import { useState } from 'preact/hooks';
import { useConsole } from '../context';
import { Dialog, ErrorText } from '../ui';

const DURATIONS = ['1', '7', '30', 'forever'] as const;

/**
 * Banning (suspending) an author: the reason (the newsroom's, or one's own words) goes into the statement of
 * reasons the account receives (DSA Art. 17); their pending comments can be rejected with it.
 */
export function BanDialog(props: { user: { id: string; username: string }; onClose: () => void; onBanned: () => void }) {
  const { t, reasons, api, announce } = useConsole();
  const offered = reasons.filter((r) => r.appliesTo.includes('ban'));
  const [choice, setChoice] = useState(offered[0]?.id ?? 'other');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const reason = offered.find((r) => r.id === choice);
    const text = String(form.get('text') ?? '').trim();
    const days = String(form.get('duration'));
    setBusy(true);
    const { data, error: err } = await api.POST('/api/admin/users/{userId}/ban', {
      params: { path: { userId: props.user.id } },
      body: {
        reason: text || reason?.label || '',
        reasonId: reason?.id,
        until: days === 'forever' ? undefined : new Date(Date.now() + Number(days) * 86_400_000).toISOString(),
        rejectPending: form.get('rejectPending') === 'on',
      },
    });
    setBusy(false);
    if (!data) return setError(err);
    announce(t('ban.done', { user: props.user.username, count: data.rejectedComments }));
    props.onBanned();
  };

  return (
    <Dialog title={t('ban.title', { user: props.user.username })} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)} class="stack">
        <fieldset>
          <legend>{t('reason.legend')}</legend>
          {offered.map((r, i) => (
            <label key={r.id} class="choice">
              <input type="radio" name="reason" checked={choice === r.id} onChange={() => setChoice(r.id)} autoFocus={i === 0} />
              <span>{r.label}</span>
            </label>
          ))}
          <label class="choice">
            <input
              type="radio"
              name="reason"
              checked={choice === 'other'}
              onChange={() => setChoice('other')}
              autoFocus={!offered.length}
            />
            <span>{t('reason.other')}</span>
          </label>
        </fieldset>
        <div class="field">
          <label for="ban-text">{t('ban.statement')}</label>
          <textarea id="ban-text" name="text" rows={3} maxLength={500} required={choice === 'other'} aria-describedby="ban-text-hint" />
          <p class="hint" id="ban-text-hint">
            {t('ban.statementHint')}
          </p>
        </div>
        <div class="field">
          <label for="ban-duration">{t('ban.duration')}</label>
          <select id="ban-duration" name="duration" defaultValue="7">
            {DURATIONS.map((d) => (
              <option key={d} value={d}>
                {d === 'forever' ? t('ban.forever') : t('ban.days', { count: Number(d) })}
              </option>
            ))}
          </select>
        </div>
        <label class="choice">
          <input type="checkbox" name="rejectPending" defaultChecked />
          <span>{t('ban.rejectPending')}</span>
        </label>
        <ErrorText error={error} />
        <div class="buttons">
          <button type="submit" class="reject" disabled={busy}>
            {t('ban.submit')}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
