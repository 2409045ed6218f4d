import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';
import { ErrorText, PageTitle } from '../ui';

type Prefs = Schemas['NotificationsDto'];

/**
 * The member of staff's own mail: the daily digest of the moderation queue (how many comments wait, since when),
 * and the state of their address, which must be confirmed (double opt-in) before anything is sent to it.
 */
export function NotificationsPage() {
  const { api, t, announce } = useConsole();
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void (async () => {
      const { data, error: e } = await api.GET('/api/me/notifications');
      setError(e ?? null);
      if (data) setPrefs(data.notifications);
    })();
  }, []);

  const save = async (queueDigest: boolean) => {
    if (!prefs) return;
    const before = prefs;
    // The box shows the choice at once; the service's answer confirms it (or puts it back, saying why).
    setPrefs({ ...prefs, queueDigest });
    setBusy(true);
    const { data, error: e } = await api.PUT('/api/me/notifications', {
      body: { replies: before.replies, locale: before.locale, queueDigest },
    });
    setBusy(false);
    setError(e ?? null);
    if (!data) return setPrefs(before);
    setPrefs(data.notifications);
    announce(t(queueDigest ? 'notify.digestOn' : 'notify.digestOff'));
  };

  // Buttons stay enabled while a request runs (aria-disabled): disabling the focused control would drop the keyboard
  // focus to the page.
  const sendLink = async () => {
    if (busy) return;
    setBusy(true);
    const { data, error: e } = await api.POST('/api/me/email/confirmation');
    setBusy(false);
    setError(e ?? null);
    if (!data) return;
    setSentTo(data.confirmation.email);
    announce(t('notify.sent', { email: data.confirmation.email }));
  };

  return (
    <div class="page">
      <PageTitle>{t('nav.notifications')}</PageTitle>
      <ErrorText error={error} />
      {prefs && !prefs.mailEnabled && <p>{t('notify.off')}</p>}
      {prefs?.mailEnabled && (
        <>
          <p>
            {!prefs.email
              ? t('notify.noEmail')
              : prefs.emailVerified
                ? t('notify.confirmed', { email: prefs.email })
                : t('notify.unconfirmed', { email: prefs.email })}
          </p>
          {prefs.email && !prefs.emailVerified && (
            <p>
              <button type="button" aria-disabled={busy || undefined} onClick={() => void sendLink()}>
                {t('notify.sendLink')}
              </button>
            </p>
          )}
          {sentTo && <p class="muted">{t('notify.sent', { email: sentTo })}</p>}
          {prefs.email && (
            <>
              <label class="choice">
                <input
                  type="checkbox"
                  checked={prefs.queueDigest}
                  aria-describedby="notify-digest-help"
                  onChange={(e) => void save((e.target as HTMLInputElement).checked)}
                />
                <span>{t('notify.queueDigest')}</span>
              </label>
              <p id="notify-digest-help" class="muted">
                {t('notify.queueDigestHelp')}
              </p>
            </>
          )}
        </>
      )}
    </div>
  );
}
