import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api, ApiSession, AuthTokens, Schemas } from './api';
import type { I18n } from './i18n';
import { ErrorMessageText } from './errors';

type Options = Schemas['SignInOptionsDto'];

/** The message the publisher's sign-in page posts back to the console (docs/console.md, "Sign-in with the publisher"). */
export const SSO_MESSAGE_TYPE = 'newsroom-comments:sso';

/**
 * Sign-in for staff: a password (LOCAL_AUTH true or staff) and/or the publisher's accounts. For the latter the console
 * opens SSO_LOGIN_URL in a popup (with `origin=` this console's origin); that page, once the member of staff is
 * signed in there, posts `{ type: 'newsroom-comments:sso', token }` to `window.opener` for this origin only. The
 * console accepts it only from the popup it opened and from SSO_LOGIN_URL's origin, and trades it at POST /api/auth/sso.
 */
export function SignIn(props: { api: Api; session: ApiSession; i18n: I18n; notice?: string; onSignedIn: (t: AuthTokens) => void }) {
  const { api, i18n } = props;
  const t = i18n.t;
  const [options, setOptions] = useState<Options | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const popup = useRef<Window | null>(null);
  const loginRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void api.GET('/api/auth/options').then(({ data }) => setOptions(data ?? null));
    loginRef.current?.focus();
  }, []);

  useEffect(() => {
    const url = options?.ssoLoginUrl;
    if (!url) return;
    const expected = new URL(url).origin;
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== expected || !popup.current || e.source !== popup.current) return;
      const data = e.data as { type?: unknown; token?: unknown } | null;
      if (data?.type !== SSO_MESSAGE_TYPE || typeof data.token !== 'string') return;
      popup.current.close();
      popup.current = null;
      void finish(api.POST('/api/auth/sso', { body: { token: data.token } }));
    };
    addEventListener('message', onMessage);
    return () => removeEventListener('message', onMessage);
  }, [options?.ssoLoginUrl]);

  async function finish(call: Promise<{ data?: AuthTokens; error?: unknown }>) {
    setBusy(true);
    setError(null);
    const { data, error: e } = await call;
    setBusy(false);
    if (!data) return setError(e ?? { code: 'network' });
    if (data.user.role === 'reader' || data.user.ban) {
      // Not for the console: the session just opened is closed again.
      void api.POST('/api/auth/logout', { body: { refreshToken: data.refreshToken } });
      return setError({ code: data.user.ban ? 'USER_BANNED' : 'NOT_STAFF' });
    }
    props.onSignedIn(data);
  }

  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void finish(api.POST('/api/auth/login', { body: { login: String(form.get('login')), password: String(form.get('password')) } }));
  };

  const openSso = () => {
    const url = new URL(options!.ssoLoginUrl!);
    url.searchParams.set('origin', location.origin);
    popup.current = open(url.toString(), 'newsroom-sso', 'popup,width=520,height=680');
    if (!popup.current) setError({ code: 'POPUP_BLOCKED' });
  };

  const passwords = options?.password !== 'nobody';
  return (
    <main class="sign-in" id="main">
      <h1>{t('signIn.title')}</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {passwords && (
        <form onSubmit={submit} class="stack">
          <div class="field">
            <label for="login">{t('signIn.login')}</label>
            <input id="login" name="login" ref={loginRef} autocomplete="username" required maxLength={254} />
          </div>
          <div class="field">
            <label for="password">{t('signIn.password')}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxLength={128} />
          </div>
          <button type="submit" class="primary" disabled={busy}>
            {t('signIn.submit')}
          </button>
        </form>
      )}
      {options?.ssoLoginUrl && (
        <p>
          <button type="button" onClick={openSso} disabled={busy}>
            {t('signIn.sso')}
          </button>
        </p>
      )}
      {error !== null && <ErrorMessageText error={error} t={t} />}
    </main>
  );
}
