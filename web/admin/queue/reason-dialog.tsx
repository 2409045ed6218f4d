import { useRef, useState } from 'preact/hooks';
import { useConsole } from '../context';
import { Dialog } from '../ui';
import type { Decision, DecisionStatus } from './decisions';

/**
 * Choosing why: the newsroom's decision reasons for this kind of decision (keys 1-9 pick one, Enter confirms),
 * or a reason in one's own words. Each reason stands for statement-of-reasons fields (DSA Art. 17) the service fills in.
 */
export function ReasonDialog(props: {
  status: Exclude<DecisionStatus, 'approved'>;
  title: string;
  onClose: () => void;
  onDecide: (d: Decision) => void;
}) {
  const { t, reasons } = useConsole();
  const kind = props.status === 'spam' ? 'spam' : 'reject';
  const offered = reasons.filter((r) => r.appliesTo.includes(kind));
  const [choice, setChoice] = useState<string>(offered[0]?.id ?? 'other');
  const form = useRef<HTMLFormElement>(null);
  const [text, setText] = useState('');

  const submit = (e: Event) => {
    e.preventDefault();
    const reason = offered.find((r) => r.id === choice);
    props.onDecide(reason ? { status: props.status, reasonId: reason.id } : { status: props.status, reason: text.trim() || undefined });
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
      e.preventDefault();
      form.current?.requestSubmit();
      return;
    }
    const n = Number(e.key);
    if (!Number.isInteger(n) || n < 1 || n > offered.length || (e.target as HTMLElement).tagName === 'TEXTAREA') return;
    e.preventDefault();
    setChoice(offered[n - 1].id);
    form.current?.querySelector<HTMLInputElement>(`input[value="${offered[n - 1].id}"]`)?.focus();
  };

  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form ref={form} onSubmit={submit} onKeyDown={onKey} class="stack">
        <fieldset>
          <legend>{t('reason.legend')}</legend>
          {offered.map((r, i) => (
            <label key={r.id} class="choice">
              <input
                type="radio"
                name="reason"
                value={r.id}
                checked={choice === r.id}
                onChange={() => setChoice(r.id)}
                autoFocus={i === 0}
              />
              <span>
                <kbd>{i + 1}</kbd> {r.label}
                {r.description && <span class="hint"> — {r.description}</span>}
              </span>
            </label>
          ))}
          <label class="choice">
            <input
              type="radio"
              name="reason"
              value="other"
              checked={choice === 'other'}
              onChange={() => setChoice('other')}
              autoFocus={!offered.length}
            />
            <span>{t('reason.other')}</span>
          </label>
        </fieldset>
        {choice === 'other' && (
          <div class="field">
            <label for="reason-text">{t('reason.text')}</label>
            <textarea
              id="reason-text"
              rows={2}
              maxLength={500}
              value={text}
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            />
          </div>
        )}
        {!offered.length && <p class="hint">{t('reason.none')}</p>}
        <div class="buttons">
          <button type="submit" class={props.status === 'spam' ? '' : 'reject'}>
            {t(`action.confirm.${props.status}`)}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
