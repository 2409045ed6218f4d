import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { useCtx } from '../context';
import type { Notifications as Settings, ReplyMails } from '../model';

const MODES: ReplyMails[] = ['off', 'immediate', 'digest'];

/**
 * The reader's reply mails (docs/mail.md): off, one per reply, or a daily digest, in the widget's language. Nothing
 * is mailed to an unconfirmed address, so opting in with one sends the confirmation link (double opt-in) once, and
 * the panel offers to send it again.
 */
export function Notifications({ onClose }: { onClose(): void }) {
  const { model, t, focus } = useCtx();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [choice, setChoice] = useState<ReplyMails>('off');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [linkSent, setLinkSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const language = t.locale.startsWith('en') ? 'en' : 'bg';

  const show = (next: Settings) => {
    setSettings(next);
    setChoice(next.replies);
  };
  useEffect(() => {
    model.notifications().then(show, (err: unknown) => setError(t.error(err)));
  }, [model, t]);

  const failed = (err: unknown) => {
    setError(t.error(err));
    focus('nc-notify-error');
  };

  /** Mails the confirmation link; an address confirmed meanwhile (another tab) is simply shown as confirmed. */
  const sendLink = async (): Promise<string> => {
    try {
      const { email } = await model.requestConfirmation();
      setLinkSent(true);
      return t.fill(t.m.confirmationSent, { email });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'EMAIL_ALREADY_VERIFIED')) throw err;
      show(await model.notifications());
      return t.m.errors.EMAIL_ALREADY_VERIFIED!;
    }
  };

  const run = async (work: () => Promise<string>) => {
    setError('');
    setDone('');
    setBusy(true);
    try {
      const said = await work();
      setDone(said);
      model.announce(said);
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };

  const save = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const next = await model.saveNotifications(choice, language, settings!.queueDigest);
      show(next);
      return next.replies !== 'off' && !next.emailVerified && !linkSent ? `${t.m.notifySaved} ${await sendLink()}` : t.m.notifySaved;
    });
  };

  const waiting = settings && settings.replies !== 'off' && !settings.emailVerified;
  return (
    <section
      id="nc-notifications"
      class="nc-panel"
      part="notifications"
      aria-labelledby="nc-notifications-title"
      tabindex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h3 id="nc-notifications-title" class="nc-panel-title">
        {t.m.notifications}
      </h3>
      {!settings && !error && <p class="nc-note">{t.m.loadingMore}</p>}
      {settings && !settings.mailEnabled && <p>{t.m.mailOff}</p>}
      {settings?.mailEnabled && !settings.email && <p>{t.m.noEmail}</p>}
      {settings?.mailEnabled && settings.email && (
        <form class="nc-form" part="form" onSubmit={save}>
          <fieldset class="nc-fieldset">
            <legend class="nc-label">{t.m.notifyReplies}</legend>
            {MODES.map((mode) => (
              <label key={mode} class="nc-choice">
                <input type="radio" name="nc-notify-replies" value={mode} checked={choice === mode} onChange={() => setChoice(mode)} />{' '}
                {t.m.notifyModes[mode]}
              </label>
            ))}
          </fieldset>
          <p class={settings.emailVerified ? 'nc-success' : 'nc-note'}>
            {t.fill(settings.emailVerified ? t.m.emailConfirmed : t.m.emailUnconfirmed, { email: settings.email })}
          </p>
          <div class="nc-row">
            <button type="submit" class="nc-button nc-primary" part="button button-primary" disabled={busy}>
              {busy ? t.m.sending : t.m.save}
            </button>
            {waiting && (
              <button type="button" class="nc-button" part="button" disabled={busy} onClick={() => void run(sendLink)}>
                {t.m.resendConfirmation}
              </button>
            )}
          </div>
        </form>
      )}
      {done && <p class="nc-success">{done}</p>}
      {error && (
        <p id="nc-notify-error" class="nc-error" part="error" role="alert" tabindex={-1}>
          {error}
        </p>
      )}
      <button type="button" class="nc-button" part="button" onClick={onClose}>
        {t.m.close}
      </button>
    </section>
  );
}
