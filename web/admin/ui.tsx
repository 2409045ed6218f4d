import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { dateTime, relativeTime } from '../shared/format';
import { useConsole } from './context';
import { errorMessage } from './errors';

/**
 * A modal dialog (the native <dialog>: focus moves in and stays in, Escape closes, focus returns to where it was).
 * Rendered only while open.
 */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
  side?: boolean;
  describedBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current!;
    const before = document.activeElement as HTMLElement | null;
    d.showModal();
    return () => {
      d.close();
      before?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={`dialog${props.wide ? ' dialog-wide' : ''}${props.side ? ' dialog-side' : ''}`}
      aria-labelledby={titleId}
      aria-describedby={props.describedBy}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <header class="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <CloseButton onClick={props.onClose} />
      </header>
      <div class="dialog-body">{props.children}</div>
    </dialog>
  );
}

function CloseButton(props: { onClick: () => void }) {
  const { t } = useConsole();
  return (
    <button type="button" class="icon-button" onClick={props.onClick} aria-label={t('close')}>
      <span aria-hidden="true">×</span>
    </button>
  );
}

/** A time as "5 minutes ago", the exact date and time on hover and for assistive technology. */
export function Time(props: { iso: string }) {
  const { i18n } = useConsole();
  return (
    <time dateTime={props.iso} title={dateTime(props.iso, i18n.locale)}>
      {relativeTime(props.iso, i18n.locale)}
    </time>
  );
}

/** The text for a failed call: our own wording per error code, else the service's message. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useConsole();
  return (error) => errorMessage(error, t);
}

export function ErrorText(props: { error: unknown }) {
  const text = useErrorText();
  if (!props.error) return null;
  return (
    <p class="error" role="alert">
      {text(props.error)}
    </p>
  );
}

export function Field(props: { label: string; hint?: string; children: (id: string, describedBy?: string) => JSX.Element }) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id, hintId)}
      {props.hint && (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function PageTitle(props: { children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <div class="page-head">
      <h1>{props.children}</h1>
      {props.actions && <div class="page-actions">{props.actions}</div>}
    </div>
  );
}

/** "Load more" for keyset pages. */
export function More(props: { cursor: string | null | undefined; loading: boolean; onMore: () => void }) {
  const { t } = useConsole();
  if (!props.cursor) return null;
  return (
    <p class="more">
      <button type="button" onClick={props.onMore} disabled={props.loading}>
        {props.loading ? t('loading') : t('loadMore')}
      </button>
    </p>
  );
}
