import { useEffect, useRef, useState } from 'preact/hooks';
import { useCtx } from '../context';

export interface CommentFormProps {
  id: string;
  label: string;
  submitLabel: string;
  initial?: string;
  /** Resolves when done (the form then clears); rejects with the error to show. */
  onSubmit(body: string): Promise<void>;
  onCancel?(): void;
  autoFocus?: boolean;
}

/** Code points, as the API counts them (an emoji is one, not two). */
const length = (text: string) => [...text].length;

/** A comment, a reply or an edit: a labelled textarea, what is left of the limit, errors read out. */
export function CommentForm({ id, label, submitLabel, initial = '', onSubmit, onCancel, autoFocus }: CommentFormProps) {
  const { t, state } = useCtx();
  const [body, setBody] = useState(initial);
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const max = state.config?.comments.maxLength ?? 5000;
  const left = max - length(body.trim());

  useEffect(() => {
    if (autoFocus) area.current?.focus();
  }, [autoFocus]);

  const submit = async (e?: Event) => {
    e?.preventDefault();
    if (sending) return;
    const text = body.trim();
    if (!text) return fail(t.m.emptyBody);
    if (left < 0) return fail(t.plural(t.m.tooLong, -left));
    setSending(true);
    setError('');
    try {
      await onSubmit(text);
      setBody('');
    } catch (err) {
      fail(t.error(err));
    } finally {
      setSending(false);
    }
  };
  const fail = (message: string) => {
    setError(message);
    area.current?.focus();
  };

  return (
    <form class="nc-form" part="form" onSubmit={(e) => void submit(e)} noValidate>
      <label class="nc-label" for={id}>
        {label}
      </label>
      <textarea
        id={id}
        ref={area}
        class="nc-textarea"
        part="textarea"
        rows={initial ? 4 : 3}
        placeholder={t.m.placeholder}
        value={body}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
        onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
          if (e.key === 'Escape' && onCancel) onCancel();
        }}
      />
      <p id={`${id}-help`} class={`nc-help${left < 0 ? ' nc-over' : ''}`}>
        {left < 0 ? t.plural(t.m.tooLong, -left) : left <= 500 ? t.plural(t.m.charactersLeft, left) : ''}
      </p>
      {error && (
        <p id={`${id}-error`} class="nc-error" part="error" role="alert">
          {error}
        </p>
      )}
      <div class="nc-row">
        <button type="submit" class="nc-button nc-primary" part="button button-primary" disabled={sending}>
          {sending ? t.m.sending : submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="nc-button" part="button" onClick={onCancel}>
            {t.m.cancel}
          </button>
        )}
      </div>
    </form>
  );
}
