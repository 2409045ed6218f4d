import { useState } from 'preact/hooks';
import type { Schemas } from '../../shared/api';
import { commentId, useCtx } from '../context';
import type { Comment } from '../model';

type Category = Schemas['CreateNoticeDto']['category'];
const REASONS = ['abuse', 'spam', 'offTopic', 'misinformation', 'other'] as const;
/** The notice categories readers are offered, the most likely first (the Transparency Database's list). */
const CATEGORIES: Category[] = [
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_VIOLENCE',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
];

function CategorySelect({ id, value, onChange }: { id: string; value: Category; onChange(c: Category): void }) {
  const { t } = useCtx();
  return (
    <>
      <label class="nc-label" for={id}>
        {t.m.category}
      </label>
      <select
        id={id}
        class="nc-input"
        part="input"
        value={value}
        onChange={(e) => onChange((e.target as HTMLSelectElement).value as Category)}
      >
        {CATEGORIES.map((c) => (
          <option key={c} value={c}>
            {t.m.categories[c]}
          </option>
        ))}
      </select>
    </>
  );
}

/** A signed-in reader's report: a reason, and optionally a notice of illegal content (DSA Art. 16) with it. */
export function ReportForm({ comment, onCancel, onDone }: { comment: Comment; onCancel(): void; onDone(message: string): void }) {
  const { model, t, state, focus } = useCtx();
  const dom = `${commentId(comment.id)}-rep`;
  const [reason, setReason] = useState<(typeof REASONS)[number]>('abuse');
  const [details, setDetails] = useState('');
  const [illegal, setIllegal] = useState(false);
  const [category, setCategory] = useState<Category>(CATEGORIES[0]!);
  const [goodFaith, setGoodFaith] = useState(false);
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const limit = state.config?.comments.reportReasonMaxLength ?? 500;

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (reason === 'other' && !details.trim()) {
      setError(t.m.reportDetailsRequired);
      focus(`${dom}-details`);
      return;
    }
    if (illegal && !goodFaith) {
      setError(t.m.goodFaith);
      focus(`${dom}-faith`);
      return;
    }
    const text = [t.m.reasons[reason], details.trim()].filter(Boolean).join(': ');
    setSending(true);
    try {
      await model.report(comment.id, [...text].slice(0, limit).join(''), illegal ? { category, goodFaith: true } : undefined);
      onDone(t.m.reportSent);
    } catch (err) {
      setError(t.error(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <form class="nc-form nc-panel" part="form report-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${dom}-title`}>
      <p id={`${dom}-title`} class="nc-panel-title">
        {t.m.reportTitle}
      </p>
      <fieldset class="nc-fieldset">
        <legend class="nc-label">{t.m.reportReason}</legend>
        {REASONS.map((r, i) => (
          <label key={r} class="nc-choice">
            <input
              type="radio"
              name={`${dom}-reason`}
              value={r}
              checked={reason === r}
              ref={(el) => {
                if (i === 0 && el && !el.dataset.focused) {
                  el.dataset.focused = '1';
                  el.focus();
                }
              }}
              onChange={() => setReason(r)}
            />{' '}
            {t.m.reasons[r]}
          </label>
        ))}
      </fieldset>
      <label class="nc-label" for={`${dom}-details`}>
        {reason === 'other' ? t.m.reportDetailsRequired : t.m.reportDetails}
      </label>
      <textarea
        id={`${dom}-details`}
        class="nc-textarea"
        part="textarea"
        rows={2}
        maxLength={400}
        value={details}
        onInput={(e) => setDetails((e.target as HTMLTextAreaElement).value)}
      />
      <label class="nc-choice">
        <input type="checkbox" checked={illegal} onChange={(e) => setIllegal((e.target as HTMLInputElement).checked)} /> {t.m.alsoIllegal}
      </label>
      {illegal && (
        <>
          <CategorySelect id={`${dom}-category`} value={category} onChange={setCategory} />
          <label class="nc-choice">
            <input
              id={`${dom}-faith`}
              type="checkbox"
              checked={goodFaith}
              onChange={(e) => setGoodFaith((e.target as HTMLInputElement).checked)}
            />{' '}
            {t.m.goodFaith}
          </label>
        </>
      )}
      <FormEnd error={error} sending={sending} send={t.m.reportSend} onCancel={onCancel} />
    </form>
  );
}

/** Anyone, signed in or not, may notify illegal content (DSA Art. 16): name, email, explanation, good faith. */
export function NoticeForm({ comment, onCancel }: { comment: Comment; onCancel(): void }) {
  const { model, t, focus } = useCtx();
  const dom = `${commentId(comment.id)}-ntc`;
  const [category, setCategory] = useState<Category>(CATEGORIES[0]!);
  const [explanation, setExplanation] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [goodFaith, setGoodFaith] = useState(false);
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const [receipt, setReceipt] = useState<Schemas['NoticeReceiptDto'] | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    const missing = !explanation.trim()
      ? 'explanation'
      : !name.trim()
        ? 'name'
        : !/^\S+@\S+\.\S+$/.test(email.trim())
          ? 'email'
          : !goodFaith
            ? 'faith'
            : '';
    if (missing) {
      setError(
        missing === 'faith'
          ? t.m.goodFaith
          : `${t.m.errors.VALIDATION_FAILED} ${missing === 'explanation' ? t.m.explanation : missing === 'name' ? t.m.name : t.m.email}`,
      );
      focus(`${dom}-${missing}`);
      return;
    }
    setSending(true);
    try {
      const r = await model.notice({
        commentId: comment.id,
        category,
        explanation: explanation.trim(),
        notifierName: name.trim(),
        notifierEmail: email.trim(),
        goodFaith: true,
      });
      setReceipt(r);
      focus(`${dom}-receipt`);
    } catch (err) {
      setError(t.error(err));
    } finally {
      setSending(false);
    }
  };

  if (receipt) {
    return (
      <div id={`${dom}-receipt`} class="nc-panel nc-success" role="status" tabindex={-1}>
        <p>{t.fill(t.m.noticeSent, { date: t.when(receipt.notice.receivedAt), id: receipt.notice.id })}</p>
        <p class="nc-key">{t.fill(t.m.noticeKey, { key: receipt.accessKey })}</p>
        <button type="button" class="nc-button" part="button" onClick={onCancel}>
          {t.m.close}
        </button>
      </div>
    );
  }

  const field = (
    key: string,
    label: string,
    value: string,
    set: (v: string) => void,
    type: 'text' | 'email' = 'text',
    autocomplete?: string,
  ) => (
    <>
      <label class="nc-label" for={`${dom}-${key}`}>
        {label}
      </label>
      <input
        id={`${dom}-${key}`}
        class="nc-input"
        part="input"
        // Preact types <input> per `type`; these three share every attribute used here.
        type={type as 'text'}
        required
        autocomplete={autocomplete}
        value={value}
        onInput={(e) => set((e.target as HTMLInputElement).value)}
      />
    </>
  );

  return (
    <form class="nc-form nc-panel" part="form notice-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${dom}-title`}>
      <p id={`${dom}-title`} class="nc-panel-title">
        {t.m.noticeTitle}
      </p>
      <p class="nc-note">{t.m.noticeIntro}</p>
      <CategorySelect id={`${dom}-category`} value={category} onChange={setCategory} />
      <label class="nc-label" for={`${dom}-explanation`}>
        {t.m.explanation}
      </label>
      <textarea
        id={`${dom}-explanation`}
        class="nc-textarea"
        part="textarea"
        rows={3}
        required
        maxLength={5000}
        value={explanation}
        ref={(el) => {
          if (el && !el.dataset.focused) {
            el.dataset.focused = '1';
            el.focus();
          }
        }}
        onInput={(e) => setExplanation((e.target as HTMLTextAreaElement).value)}
      />
      {field('name', t.m.name, name, setName, 'text', 'name')}
      {field('email', t.m.email, email, setEmail, 'email', 'email')}
      <label class="nc-choice">
        <input
          id={`${dom}-faith`}
          type="checkbox"
          checked={goodFaith}
          onChange={(e) => setGoodFaith((e.target as HTMLInputElement).checked)}
        />{' '}
        {t.m.goodFaith}
      </label>
      <FormEnd error={error} sending={sending} send={t.m.noticeSend} onCancel={onCancel} />
    </form>
  );
}

/** The end of both forms: the refusal in a sentence, then send and cancel. */
function FormEnd(props: { error: string; sending: boolean; send: string; onCancel: () => void }) {
  const { t } = useCtx();
  return (
    <>
      {props.error && (
        <p class="nc-error" part="error" role="alert">
          {props.error}
        </p>
      )}
      <div class="nc-row">
        <button type="submit" class="nc-button nc-primary" part="button button-primary" disabled={props.sending}>
          {props.sending ? t.m.sending : props.send}
        </button>
        <button type="button" class="nc-button" part="button" onClick={props.onCancel}>
          {t.m.cancel}
        </button>
      </div>
    </>
  );
}
