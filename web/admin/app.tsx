import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type Api, type ApiSession, type AuthTokens, apiError } from './api';
import { createI18n, pickLocale } from './i18n';
import { followStream } from '../shared/sse';
import { type CommentEvent, type Console, ConsoleContext, type Counts, type Reason, type Theme, type User } from './context';
import { bg } from './messages/bg';
import { en } from './messages/en';
import { BASE, navigate, useLocation } from './router';
import { Setup } from './setup';
import { Shell } from './shell';
import { SignIn } from './sign-in';

const MESSAGES = { bg, en } as const;
const LOCALES = Object.keys(MESSAGES);
const LOCALE_KEY = 'newsroom-console:locale';
const THEME_KEY = 'newsroom-console:theme';

/** Why the console closed itself: shown on the sign-in page. */
type Gone = 'banned' | 'role' | 'deleted' | 'expired' | null;

export function App(props: { api: Api; session: ApiSession }) {
  const { api, session } = props;
  const [locale, setLocale] = useState(() => pickLocale(LOCALES, localStorage.getItem(LOCALE_KEY)));
  const i18n = useMemo(() => createI18n(locale, MESSAGES[locale as keyof typeof MESSAGES], en), [locale]);
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'auto');
  const [user, setUser] = useState<User | null>(session.session?.user ?? null);
  const [gone, setGone] = useState<Gone>(null);
  // A stored session is checked (role, ban) before the console shows anything.
  const [verified, setVerified] = useState(!session.session);
  const loc = useLocation();

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = i18n.t('app.title');
    localStorage.setItem(LOCALE_KEY, locale);
  }, [locale]);
  useEffect(() => {
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);

  // The session ends elsewhere (another tab signed out, or the service refused the refresh token).
  useEffect(
    () =>
      session.onChange((s, why) => {
        setUser(s?.user ?? null);
        if (!s && why === 'expired') setGone('expired');
      }),
    [],
  );

  /** Checks the account after a refusal: still staff, or gone (and why). */
  const lostAccess = useCallback(async () => {
    const { data, response } = await api.GET('/api/auth/me');
    const why: Gone = !data
      ? response.status === 401
        ? 'expired'
        : null
      : data.user.ban
        ? 'banned'
        : data.user.role === 'reader'
          ? 'role'
          : null;
    if (data && !why) return setUser(data.user);
    if (!why) return;
    setGone(why);
    await session.signOut();
  }, []);

  useEffect(() => {
    // On load with a stored session: the account as it is now (a role or ban may have changed since).
    if (session.session) void lostAccess().finally(() => setVerified(true));
  }, []);

  const signedIn = (tokens: AuthTokens) => {
    session.signedIn(tokens);
    setGone(null);
    setUser(tokens.user);
    if (loc.path.startsWith(`${BASE}/setup`)) navigate(BASE, true);
  };

  if (loc.path === `${BASE}/setup`) return <Setup api={api} i18n={i18n} onDone={signedIn} />;
  if (!verified)
    return (
      <main class="sign-in" id="main" aria-busy="true">
        <p>{i18n.t('loading')}</p>
      </main>
    );
  if (!user || !session.session)
    return <SignIn api={api} session={session} i18n={i18n} notice={gone ? i18n.t(`gone.${gone}`) : undefined} onSignedIn={signedIn} />;
  return (
    <Signed
      api={api}
      session={session}
      i18n={i18n}
      user={user}
      loc={loc}
      lostAccess={() => void lostAccess()}
      onRevoked={(why) => {
        setGone(why);
        void session.signOut();
      }}
      theme={theme}
      setTheme={setTheme}
      locale={locale}
      setLocale={setLocale}
    />
  );
}

function Signed(props: {
  api: Api;
  session: ApiSession;
  i18n: ReturnType<typeof createI18n>;
  user: User;
  loc: { path: string; search: URLSearchParams };
  lostAccess: () => void;
  onRevoked: (why: Gone) => void;
  theme: Theme;
  setTheme: (t: Theme) => void;
  locale: string;
  setLocale: (l: string) => void;
}) {
  const { api, session, i18n, user } = props;
  const [counts, setCounts] = useState<Counts | null>(null);
  const [live, setLive] = useState(false);
  const [reasons, setReasons] = useState<Reason[]>([]);
  const [notice, setNotice] = useState('');
  const listeners = useRef(new Set<(e: CommentEvent) => void>());
  const noticeTimer = useRef<number>(0);

  const reloadReasons = useCallback(() => {
    void api.GET('/api/admin/decision-reasons').then(({ data }) => data && setReasons(data.items));
  }, []);

  useEffect(() => {
    reloadReasons();
    // The staff event stream: live counts, colleagues' decisions, new comments; `revoked` ends the console.
    return followStream({
      request: async () =>
        new Request(`${session.base}/api/admin/events`, { headers: { authorization: `Bearer ${await session.token()}` } }),
      onState: setLive,
      onRefused: async (response) => {
        const code = apiError(await response.json().catch(() => null))?.code;
        if (response.status === 401 && (await session.refresh())) return true;
        if (response.status === 401 || response.status === 403 || code === 'USER_BANNED') {
          props.lostAccess();
          return false;
        }
        return true;
      },
      onEvent: (e) => {
        if (e.event === 'counts') setCounts(JSON.parse(e.data) as Counts);
        else if (e.event === 'comment') for (const l of listeners.current) l(JSON.parse(e.data) as CommentEvent);
        else if (e.event === 'revoked') props.onRevoked((JSON.parse(e.data) as { reason: Gone }).reason);
      },
    });
  }, []);

  const ctx: Console = {
    api,
    session,
    i18n,
    t: i18n.t,
    user,
    isAdmin: user.role === 'admin',
    counts,
    live,
    reasons,
    reloadReasons,
    announce: (message) => {
      setNotice(message);
      clearTimeout(noticeTimer.current);
      noticeTimer.current = window.setTimeout(() => setNotice(''), 6000);
    },
    navigate: (path) => navigate(path),
    path: props.loc.path,
    search: props.loc.search,
    lostAccess: props.lostAccess,
    onCommentEvent: (l) => {
      listeners.current.add(l);
      return () => listeners.current.delete(l);
    },
  };

  return (
    <ConsoleContext.Provider value={ctx}>
      <Shell theme={props.theme} setTheme={props.setTheme} locale={props.locale} setLocale={props.setLocale} notice={notice} />
    </ConsoleContext.Provider>
  );
}
