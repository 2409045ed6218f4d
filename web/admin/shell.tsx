import { useEffect, useState } from 'preact/hooks';
import { type Theme, useConsole } from './context';
import { AppealsPage } from './pages/appeals';
import { ArticlesPage } from './pages/articles';
import { AuditPage } from './pages/audit';
import { NotificationsPage } from './pages/notifications';
import { ReasonsPage } from './pages/reasons';
import { TransparencyPage } from './pages/transparency';
import { UsersPage } from './pages/users';
import { WebhooksPage } from './pages/webhooks';
import { WordFiltersPage } from './pages/word-filters';
import { HelpDialog } from './queue/help';
import { QUEUES, QueuePage, type QueueName } from './queue/queue-page';
import { BASE, navigate } from './router';

const ADMIN_PAGES = [
  { path: 'articles', key: 'nav.articles', admin: false },
  { path: 'word-filters', key: 'nav.wordFilters', admin: false },
  { path: 'users', key: 'nav.users', admin: false },
  { path: 'reasons', key: 'nav.reasons', admin: false },
  { path: 'audit', key: 'nav.audit', admin: false },
  { path: 'notifications', key: 'nav.notifications', admin: false },
  { path: 'webhooks', key: 'nav.webhooks', admin: true },
  { path: 'transparency', key: 'nav.transparency', admin: true },
] as const;

/** The console's frame: navigation with live queue counts, the page, the account menu and the notices. */
export function Shell(props: {
  theme: Theme;
  setTheme: (t: Theme) => void;
  locale: string;
  setLocale: (l: string) => void;
  notice: string;
}) {
  const c = useConsole();
  const { t, path, counts } = c;
  const [help, setHelp] = useState(false);
  const rest = path.slice(BASE.length).replace(/^\//, '');
  const [section, sub] = rest.split('/');

  useEffect(() => {
    if (rest === '' || (section === 'queue' && !sub)) navigate(`${BASE}/queue/pending`, true);
  }, [rest]);

  useEffect(() => {
    // `?` opens the shortcuts from anywhere (the queue binds the rest).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      setHelp(true);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const link = (to: string, label: string, count?: number) => {
    const href = `${BASE}/${to}`;
    const current = path === href || path.startsWith(`${href}/`);
    return (
      <a
        href={href}
        aria-current={current ? 'page' : undefined}
        onClick={(e) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          navigate(href);
        }}
      >
        <span>{label}</span>
        {count !== undefined && (
          <span class="count" aria-label={t('nav.count', { count })}>
            {count}
          </span>
        )}
      </a>
    );
  };

  const queueCount = (q: QueueName): number | undefined => {
    if (!counts) return undefined;
    return { pending: counts.pending, reported: counts.reportedOpen, flagged: counts.flagged, notices: counts.noticed, decided: undefined }[
      q
    ];
  };

  let page;
  if (section === 'queue' && (QUEUES as readonly string[]).includes(sub)) page = <QueuePage key={sub} queue={sub as QueueName} />;
  else if (section === 'appeals') page = <AppealsPage />;
  else if (section === 'articles') page = <ArticlesPage />;
  else if (section === 'word-filters') page = <WordFiltersPage />;
  else if (section === 'users') page = <UsersPage />;
  else if (section === 'reasons') page = <ReasonsPage />;
  else if (section === 'audit') page = <AuditPage />;
  else if (section === 'notifications') page = <NotificationsPage />;
  else if (section === 'webhooks' && c.isAdmin) page = <WebhooksPage />;
  else if (section === 'transparency' && c.isAdmin) page = <TransparencyPage />;
  else if (rest === '' || section === 'queue') page = null;
  else
    page = (
      <div class="page">
        <h1>{t('notFound')}</h1>
      </div>
    );

  return (
    <>
      <a class="skip" href="#main">
        {t('skip')}
      </a>
      <header class="top">
        <p class="brand">{t('app.title')}</p>
        <p class={`live${c.live ? ' on' : ''}`} role="status">
          <span aria-hidden="true">●</span> {c.live ? t('live.on') : t('live.off')}
        </p>
        <div class="account">
          <span class="who">
            {c.user.username} · {t(`role.${c.user.role}`)}
          </span>
          <label class="visually-hidden" for="lang">
            {t('language')}
          </label>
          <select id="lang" value={props.locale} onChange={(e) => props.setLocale((e.target as HTMLSelectElement).value)}>
            <option value="bg" lang="bg">
              Български
            </option>
            <option value="en" lang="en">
              English
            </option>
          </select>
          <label class="visually-hidden" for="theme">
            {t('theme')}
          </label>
          <select id="theme" value={props.theme} onChange={(e) => props.setTheme((e.target as HTMLSelectElement).value as Theme)}>
            <option value="auto">{t('theme.auto')}</option>
            <option value="light">{t('theme.light')}</option>
            <option value="dark">{t('theme.dark')}</option>
          </select>
          <button type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">
            {t('help.open')}
          </button>
          <button type="button" onClick={() => void c.session.signOut()}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <div class="layout">
        <nav class="side" aria-label={t('nav.label')}>
          <h2 class="nav-title">{t('nav.queues')}</h2>
          <ul>
            {QUEUES.map((q) => (
              <li key={q}>{link(`queue/${q}`, t(`queue.${q}`), queueCount(q))}</li>
            ))}
            <li>{link('appeals', t('nav.appeals'), counts?.appeals)}</li>
          </ul>
          <h2 class="nav-title">{t('nav.manage')}</h2>
          <ul>
            {ADMIN_PAGES.filter((p) => !p.admin || c.isAdmin).map((p) => (
              <li key={p.path}>{link(p.path, t(p.key))}</li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {page}
        </main>
      </div>
      <div class="toast" role="status" aria-live="polite">
        {props.notice}
      </div>
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </>
  );
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest?.('dialog');
}
