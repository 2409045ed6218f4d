// The widget itself, loaded by the loader (web/embed/comments.ts) when a <newsroom-comments> is on the page. It
// renders into the element's shadow root: the news site's CSS cannot break it, and it styles nothing of the site's
// (theming goes through CSS custom properties and ::part, docs/widget.md).
import { render } from 'preact';
import { Api, sessionStore, type TokenStorage } from '../shared/api';
import { App } from './app';
import { Context, type Ctx } from './context';
import { pickLanguage, translator, type T } from './i18n';
import { Model, type Options, type ThreadPage } from './model';
import css from './styles.css';

let sheet: CSSStyleSheet | undefined;

export interface Controller {
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
  disconnect(): void;
}

const int = (value: string | null, fallback: number, min: number, max: number) => {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

/** Renders the widget into `host` (synchronously, so server-rendered comments are replaced in one frame). */
export function mount(host: HTMLElement, service: string): Controller {
  const attr = (name: string) => host.getAttribute(name);
  const initial = readInitial(host);
  const getToken = () => (host as HTMLElement & { getToken?: Options['getToken'] }).getToken;
  const options: Options = {
    service,
    slug: attr('article') ?? undefined,
    externalId: attr('external-id') ?? undefined,
    url: attr('url') ?? undefined,
    title: attr('article-title') ?? undefined,
    language: attr('lang') ?? undefined,
    sort: attr('sort') === 'oldest' ? 'oldest' : attr('sort') === 'top' ? 'top' : 'newest',
    pageSize: int(attr('page-size'), 20, 1, 50),
    replies: int(attr('replies'), 3, 0, 20),
    live: attr('live') !== 'off',
    pollSeconds: int(attr('poll-seconds'), 30, 1, 3600),
    // Read when needed: the page may set it before or after this runs.
    get getToken() {
      const fn = getToken();
      return typeof fn === 'function' ? fn : undefined;
    },
  };
  const storage = (['local', 'session', 'memory'] as const).find((s) => s === attr('token-storage')) ?? 'local';
  const api = new Api(service, sessionStore(storage satisfies TokenStorage, `newsroom-comments ${service}`));
  const emit = (name: string, detail?: unknown) =>
    host.dispatchEvent(new CustomEvent(`newsroom:${name}`, { detail, bubbles: true, composed: true }));

  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  sheet ??= new CSSStyleSheet();
  if (!sheet.cssRules.length) sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];

  let scheduled = false;
  let t: T | undefined;
  const draw = () => {
    scheduled = false;
    const language = pickLanguage(
      options.language,
      model.state.article?.language,
      initial?.article.language,
      document.documentElement.lang,
    );
    if (!t || t.locale.slice(0, 2) !== language) t = translator(language);
    model.t = t;
    const ctx: Ctx = { model, state: model.state, t, focus, host };
    render(
      <Context.Provider value={ctx}>
        <App />
      </Context.Provider>,
      root,
    );
  };
  const focus = (id: string) =>
    requestAnimationFrame(() => {
      const el = root.getElementById(id) as HTMLElement | null;
      el?.focus();
    });
  const model: Model = new Model(
    api,
    options,
    () => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(draw);
    },
    emit,
  );
  model.t = translator(pickLanguage(options.language, initial?.article.language, document.documentElement.lang));
  const started = model.start(initial ?? undefined);
  // Server-rendered data is on screen in this same task: draw now, so the page never shows a blank frame.
  draw();
  void started;

  return {
    signIn: async () => {
      await model.signInWithPublisher(false);
    },
    signOut: () => model.signOut(),
    refresh: () => model.reload(model.state.sort, true),
    disconnect: () => model.stop(),
  };
}

/** The first page the article page rendered on the server, handed over as a JSON data block (never executed). */
function readInitial(host: HTMLElement): ThreadPage | null {
  const block = host.querySelector('script[type="application/json"][data-newsroom-initial]');
  if (!block?.textContent) return null;
  try {
    return JSON.parse(block.textContent) as ThreadPage;
  } catch {
    return null;
  }
}
