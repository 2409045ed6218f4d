import { useEffect, useState } from 'preact/hooks';
import type { Api, AuthTokens } from './api';
import type { I18n } from './i18n';
import { ErrorMessageText } from './errors';

/**
 * /admin/setup#code=…: creates the first admin with the one-time code the service printed at start-up. The code is
 * in the fragment (never sent to a server); it is read once and removed from the address bar and history.
 */
export function Setup(props: { api: Api; i18n: I18n; onDone: (t: AuthTokens) => void }) {
  const t = props.i18n.t;
  const [code] = useState(() => new URLSearchParams(location.hash.slice(1)).get('code') ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (location.hash) history.replaceState(null, '', location.pathname);
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    const { data, error: err } = await props.api.POST('/api/setup/admin', {
      body: {
        code,
        email: String(form.get('email')),
        username: String(form.get('username')),
        password: String(form.get('password')),
      },
    });
    setBusy(false);
    if (data) props.onDone(data);
    else setError(err ?? { code: 'network' });
  };

  return (
    <main class="sign-in" id="main">
      <h1>{t('setup.title')}</h1>
      {!code ? (
        <p class="error" role="alert">
          {t('setup.noCode')}
        </p>
      ) : (
        <>
          <p>{t('setup.intro')}</p>
          <form onSubmit={(e) => void submit(e)} class="stack">
            <div class="field">
              <label for="email">{t('setup.email')}</label>
              <input id="email" name="email" type="email" autocomplete="email" required maxLength={254} />
            </div>
            <div class="field">
              <label for="username">{t('setup.username')}</label>
              <input id="username" name="username" autocomplete="username" required minLength={3} maxLength={32} />
            </div>
            <div class="field">
              <label for="password">{t('setup.password')}</label>
              <input
                id="password"
                name="password"
                type="password"
                autocomplete="new-password"
                required
                minLength={10}
                maxLength={128}
                aria-describedby="password-hint"
              />
              <p class="hint" id="password-hint">
                {t('setup.passwordHint')}
              </p>
            </div>
            <button type="submit" class="primary" disabled={busy}>
              {t('setup.submit')}
            </button>
          </form>
        </>
      )}
      {error !== null && <ErrorMessageText error={error} t={t} />}
    </main>
  );
}
