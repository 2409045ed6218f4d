// The widget's state and everything it does with the API, in one place: components read `model.state` and call its
// methods; every change ends in `changed()`, which re-renders the tree (a few hundred comments diff in a
// millisecond or two, so one store beats fine-grained subscriptions here).
import { Api, ApiError, type Schemas, type User } from '../shared/api';

export type Comment = Schemas['CommentDto'];
export type Thread = Omit<Schemas['ThreadDto'], 'replies'> & { replies: Comment[]; repliesCursor: string | null };
export type Article = Schemas['ArticleSummaryDto'];
export type ClientConfig = Schemas['ClientConfigDto'];
export type Decision = Schemas['StatementOfReasonsDto'];
export type ThreadPage = Schemas['ThreadPageDto'];
export type Notifications = Schemas['NotificationsDto'];
export type ReplyMails = Notifications['replies'];
type Sort = 'newest' | 'oldest' | 'top';

export interface Options {
  service: string;
  slug?: string;
  externalId?: string;
  url?: string;
  title?: string;
  language?: string;
  sort: Sort;
  pageSize: number;
  replies: number;
  live: boolean;
  /** How often the count is polled while live updates are refused. */
  pollSeconds: number;
  /** The publisher's token, when the page hands one over (SSO); null: the reader is not signed in there. */
  getToken?: () => Promise<string | null> | string | null;
}

export interface State {
  phase: 'loading' | 'ready' | 'unavailable' | 'failed';
  failure?: unknown;
  article?: Article;
  config?: ClientConfig;
  threads: Thread[];
  nextCursor: string | null;
  sort: Sort;
  loadingMore: boolean;
  /** New visible comments announced live, shown when the reader asks ("2 нови коментара — покажи"). */
  incoming: Comment[];
  /** Live updates were refused (429/503): the count is polled, and new comments wait behind a reload. */
  stale: boolean;
  user: User | null;
  /** The publisher's sign-in is pending (its getToken is running). */
  signingIn: boolean;
  /** What the live region says (read by screen readers). */
  announcement: string;
}

/** Events the element dispatches (bubbling and composed, so the news site hears them from outside the shadow root). */
export type EventName = 'ready' | 'count' | 'signin' | 'signout' | 'login-required' | 'posted' | 'error';

const STREAM_RETRY_MS = 300_000;

export class Model {
  state: State;
  private slug?: string;
  private stream?: EventSource;
  private poll?: ReturnType<typeof setInterval>;
  private streamRetry?: ReturnType<typeof setTimeout>;
  private seq = 0;

  constructor(
    readonly api: Api,
    readonly options: Options,
    private readonly changed: () => void,
    private readonly emit: (name: EventName, detail?: unknown) => void,
  ) {
    this.state = {
      phase: 'loading',
      threads: [],
      nextCursor: null,
      sort: options.sort,
      loadingMore: false,
      incoming: [],
      stale: false,
      user: api.user,
      signingIn: false,
      announcement: '',
    };
    api.onUser((user) => {
      const was = this.state.user;
      this.set({ user });
      if (!user && was) this.emit('signout');
      // Another tab signed in or out: the page's own pending comments appear or go.
      if (this.slug && user?.id !== was?.id) void this.reload();
    });
  }

  private set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    this.changed();
  }

  announce(text: string): void {
    // The same sentence twice must be announced twice: clear, then set on the next frame.
    this.set({ announcement: '' });
    requestAnimationFrame(() => this.set({ announcement: text }));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Start

  /** First draw: from the page's server-rendered data when there is some, else from the API. */
  async start(initial?: ThreadPage): Promise<void> {
    void this.loadConfig();
    try {
      if (initial && initial.article.slug === this.options.slug) {
        this.slug = initial.article.slug;
        this.applyPage(initial, false);
      } else {
        this.slug = await this.resolve();
        await this.reload();
      }
    } catch (err) {
      const missing = err instanceof ApiError && err.code === 'ARTICLE_NOT_FOUND';
      this.set({ phase: missing ? 'unavailable' : 'failed', failure: err });
      this.emit('error', describe(err));
      return;
    }
    this.emit('ready', { article: this.state.article, count: this.state.article?.commentCount });
    await this.startSession();
    if (this.options.live) this.connect();
  }

  private async loadConfig(): Promise<void> {
    try {
      const { config } = await this.api.call((headers) => this.api.client.GET('/api/client-config', { headers }), { auth: false });
      this.set({ config });
    } catch {
      // Without it the widget offers what every deployment has (local sign-in is the default).
    }
  }

  /** The slug of the article this page names: given, looked up (cacheable), or resolved (a stub, where allowed). */
  private async resolve(): Promise<string> {
    const { slug, externalId } = this.options;
    const url = this.options.url ?? pageUrl();
    if (slug) {
      try {
        await this.api.call(
          (headers) => this.api.client.GET('/api/articles/{slug}/comments/count', { params: { path: { slug } }, headers }),
          {
            auth: false,
          },
        );
        return slug;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'ARTICLE_NOT_FOUND')) throw err;
      }
    } else {
      const query = externalId ? { externalId } : { url };
      const found = await this.api.call((headers) => this.api.client.GET('/api/articles', { params: { query }, headers }), { auth: false });
      if (found.items[0]) return found.items[0].slug;
    }
    const { article } = await this.api.call(
      (headers) =>
        this.api.client.POST('/api/articles/resolve', {
          body: { slug, externalId, url, title: this.options.title ?? pageTitle(), language: this.options.language },
          headers,
        }),
      { auth: false },
    );
    return article.slug;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reading

  /** `fresh`: past the browser's cache (it may hold the page for 10 s): after news that it changed. */
  private threadsOf(sort: Sort, cursor?: string, fresh = false) {
    const slug = this.slug!;
    return this.api.call((headers) =>
      this.api.client.GET('/api/articles/{slug}/threads', {
        params: { path: { slug }, query: { sort, limit: this.options.pageSize, replies: this.options.replies, cursor } },
        headers,
        ...(fresh && { cache: 'no-cache' as const }),
      }),
    );
  }

  /** The first page again (sort changed, signed in or out; `fresh`: live updates said it changed). */
  async reload(sort = this.state.sort, fresh = false): Promise<void> {
    if (!this.slug) return;
    const page = await this.threadsOf(sort, undefined, fresh);
    this.state = { ...this.state, sort, incoming: [], stale: false };
    this.applyPage(page, false);
  }

  private applyPage(page: ThreadPage, append: boolean): void {
    const threads = page.items.map(toThread);
    this.set({
      phase: 'ready',
      article: page.article,
      threads: append ? [...this.state.threads, ...threads.filter((t) => !this.find(t.id))] : threads,
      nextCursor: page.nextCursor,
      loadingMore: false,
    });
  }

  async loadMore(): Promise<string | undefined> {
    if (!this.state.nextCursor || this.state.loadingMore) return undefined;
    this.set({ loadingMore: true });
    try {
      const page = await this.threadsOf(this.state.sort, this.state.nextCursor);
      this.applyPage(page, true);
      return page.items[0]?.id;
    } catch (err) {
      this.set({ loadingMore: false });
      throw err;
    }
  }

  /** The rest of a thread (oldest first), a page at a time. Returns the first reply it added. */
  async loadReplies(rootId: string): Promise<string | undefined> {
    const thread = this.state.threads.find((t) => t.id === rootId);
    if (!thread) return undefined;
    const slug = this.slug!;
    const page = await this.api.call((headers) =>
      this.api.client.GET('/api/articles/{slug}/comments', {
        params: { path: { slug }, query: { rootId, sort: 'oldest', limit: 50, cursor: thread.repliesCursor ?? undefined } },
        headers,
      }),
    );
    const known = new Set(thread.replies.map((r) => r.id));
    const added = page.items.filter((r) => !known.has(r.id));
    this.updateThread(rootId, (t) => ({ ...t, replies: [...t.replies, ...added], repliesCursor: page.nextCursor }));
    return added[0]?.id;
  }

  find(id: string): Comment | undefined {
    for (const t of this.state.threads) {
      if (t.id === id) return t;
      const reply = t.replies.find((r) => r.id === id);
      if (reply) return reply;
    }
    return undefined;
  }

  private updateThread(rootId: string, update: (t: Thread) => Thread): void {
    this.set({ threads: this.state.threads.map((t) => (t.id === rootId ? update(t) : t)) });
  }

  /** Replaces a comment wherever it is shown (an edit, an approval), keeping its place and replies. */
  private replace(comment: Comment): boolean {
    let found = false;
    const threads = this.state.threads.map((t) => {
      if (t.id === comment.id) {
        found = true;
        return { ...t, ...comment };
      }
      if (!t.replies.some((r) => r.id === comment.id)) return t;
      found = true;
      return { ...t, replies: t.replies.map((r) => (r.id === comment.id ? comment : r)) };
    });
    if (found) this.set({ threads });
    return found;
  }

  /** A comment no longer visible: gone, or a placeholder while replies hang under it. */
  private drop(id: string): void {
    const threads: Thread[] = [];
    for (const t of this.state.threads) {
      if (t.id === id) {
        if (t.replies.length || t.replyCount) threads.push({ ...t, body: null, author: null, deleted: true });
        continue;
      }
      const index = t.replies.findIndex((r) => r.id === id);
      if (index < 0) {
        threads.push(t);
        continue;
      }
      const hasChildren = t.replies.some((r) => r.parentId === id);
      const replies = hasChildren
        ? t.replies.map((r) => (r.id === id ? { ...r, body: null, author: null, deleted: true } : r))
        : t.replies.filter((r) => r.id !== id);
      threads.push({ ...t, replies, replyCount: Math.max(0, t.replyCount - (hasChildren ? 0 : 1)) });
    }
    this.set({ threads, incoming: this.state.incoming.filter((c) => c.id !== id) });
  }

  /** Shows the comments announced live; returns the first one, for focus. */
  showIncoming(): string | undefined {
    const incoming = this.state.incoming;
    let threads = this.state.threads;
    const tops = incoming
      .filter((c) => c.parentId === null && !this.find(c.id))
      .map((c) => toThread({ ...c, replies: { items: [], nextCursor: null }, replyCount: 0 }));
    threads = this.state.sort === 'newest' ? [...tops.reverse(), ...threads] : [...threads, ...tops];
    for (const reply of incoming.filter((c) => c.parentId !== null)) {
      threads = threads.map((t) =>
        t.id === reply.rootId && !t.replies.some((r) => r.id === reply.id)
          ? { ...t, replies: [...t.replies, reply], replyCount: t.replyCount + 1 }
          : t,
      );
    }
    this.set({ threads, incoming: [] });
    return incoming[0]?.id;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Live updates

  private connect(): void {
    if (!this.slug || typeof EventSource === 'undefined') return;
    this.stream?.close();
    const stream = new EventSource(`${this.options.service}/api/articles/${encodeURIComponent(this.slug)}/events`);
    this.stream = stream;
    stream.addEventListener('open', () => this.stopPolling());
    stream.addEventListener('count', (e) => this.onCount((JSON.parse((e as MessageEvent<string>).data) as { count: number }).count));
    stream.addEventListener('comment', (e) => this.onComment(JSON.parse((e as MessageEvent<string>).data) as Comment));
    stream.addEventListener('comment-removed', (e) => this.drop((JSON.parse((e as MessageEvent<string>).data) as { id: string }).id));
    stream.addEventListener('reactions', (e) => {
      const { id, reactions } = JSON.parse((e as MessageEvent<string>).data) as { id: string; reactions: Record<string, number> };
      this.patch(id, { reactions });
    });
    stream.addEventListener('reset', () => void this.reload(this.state.sort, true).catch(() => undefined));
    stream.onerror = () => {
      // CONNECTING: a dropped connection the browser resumes by itself (Last-Event-ID). CLOSED: refused (429 when
      // many readers share one address, 503 at capacity): poll the cacheable count quietly and try again later.
      if (stream.readyState !== EventSource.CLOSED) return;
      this.stream = undefined;
      this.startPolling();
      this.streamRetry = setTimeout(() => this.connect(), STREAM_RETRY_MS + Math.random() * 60_000);
    };
  }

  private onCount(count: number): void {
    const article = this.state.article;
    if (!article || article.commentCount === count) return;
    this.set({ article: { ...article, commentCount: count } });
    this.emit('count', { count });
  }

  private onComment(comment: Comment): void {
    if (this.replace(comment)) return;
    if (this.state.incoming.some((c) => c.id === comment.id)) {
      this.set({ incoming: this.state.incoming.map((c) => (c.id === comment.id ? comment : c)) });
      return;
    }
    // A reply to a thread not on the page would show nowhere: its thread's count is enough.
    if (comment.parentId !== null && !this.state.threads.some((t) => t.id === comment.rootId)) return;
    const incoming = [...this.state.incoming, comment];
    this.set({ incoming });
    this.announce(this.t.plural(this.t.m.newCommentsAnnounced, incoming.length));
  }

  private startPolling(): void {
    if (this.poll) return;
    this.poll = setInterval(() => {
      if (document.hidden || !this.slug) return;
      const slug = this.slug;
      void this.api
        .call((headers) => this.api.client.GET('/api/articles/{slug}/comments/count', { params: { path: { slug } }, headers }), {
          auth: false,
        })
        .then(({ count }) => {
          const before = this.state.article?.commentCount ?? 0;
          this.onCount(count);
          if (count > before) this.set({ stale: true });
        })
        .catch(() => undefined);
    }, this.options.pollSeconds * 1000);
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  stop(): void {
    this.stream?.close();
    this.stopPolling();
    clearTimeout(this.streamRetry);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Signing in

  /** Set by the app: messages in the reader's language (for announcements made from here). */
  t!: { m: import('./locales/bg').Messages; plural: (forms: import('../shared/i18n').PluralForms, n: number) => string };

  private async startSession(): Promise<void> {
    if (this.api.user) {
      // Who we are now (a ban since the last visit, a name change); a dead session is forgotten.
      try {
        const { user } = await this.api.call((headers) => this.api.client.GET('/api/auth/me', { headers }));
        this.api.updateUser(user);
      } catch {
        // signed out by the API layer when the session is gone; anything else: keep what we had
      }
      await this.reload().catch(() => undefined);
      return;
    }
    // The publisher's page may know the reader: ask quietly once (null: not signed in there).
    if (this.options.getToken) await this.signInWithPublisher(true).catch(() => undefined);
  }

  /**
   * The publisher's sign-in: its getToken() mints a short-lived token, exchanged for this service's tokens. Never
   * stored: a new one is asked for whenever needed. `quiet`: on load, without telling the page to show its login.
   */
  async signInWithPublisher(quiet = false, password?: string): Promise<'signed-in' | 'no-token' | 'link'> {
    const getToken = this.options.getToken;
    if (!getToken) {
      if (!quiet) this.emit('login-required');
      return 'no-token';
    }
    this.set({ signingIn: true });
    try {
      const token = await getToken();
      if (!token) {
        if (!quiet) this.emit('login-required');
        return 'no-token';
      }
      try {
        const tokens = await this.api.call((headers) => this.api.client.POST('/api/auth/sso', { body: { token, password }, headers }), {
          auth: false,
        });
        this.signedIn(tokens);
        return 'signed-in';
      } catch (err) {
        if (err instanceof ApiError && err.code === 'SSO_EMAIL_CONFLICT') return 'link';
        throw err;
      }
    } finally {
      this.set({ signingIn: false });
    }
  }

  async login(login: string, password: string): Promise<void> {
    const tokens = await this.api.call((headers) => this.api.client.POST('/api/auth/login', { body: { login, password }, headers }), {
      auth: false,
    });
    this.signedIn(tokens);
  }

  async register(email: string, username: string, password: string): Promise<void> {
    const tokens = await this.api.call(
      (headers) => this.api.client.POST('/api/auth/register', { body: { email, username, password }, headers }),
      { auth: false },
    );
    this.signedIn(tokens);
  }

  private signedIn(tokens: Schemas['AuthTokensDto']): void {
    this.api.signedIn(tokens);
    this.set({ user: tokens.user });
    this.announce(this.t.m.signedIn.replace('{name}', tokens.user.displayName ?? tokens.user.username));
    this.emit('signin', { user: { id: tokens.user.id, username: tokens.user.username } });
  }

  async signOut(): Promise<void> {
    await this.api.signOut();
    this.set({ user: null });
    this.announce(this.t.m.signedOut);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Writing

  /** Posts a comment or a reply. The key makes a retry after a lost answer return the first comment, not a second. */
  async post(body: string, parentId: string | null, key: string): Promise<Comment> {
    const slug = this.slug!;
    const { comment } = await this.api.call((headers) =>
      this.api.client.POST('/api/articles/{slug}/comments', {
        params: { path: { slug } },
        body: parentId ? { body, parentId } : { body },
        headers: { ...headers, 'Idempotency-Key': key },
      }),
    );
    if (comment.parentId === null) {
      const thread = toThread({ ...comment, replies: { items: [], nextCursor: null }, replyCount: 0 });
      this.set({ threads: this.state.sort === 'newest' ? [thread, ...this.state.threads] : [...this.state.threads, thread] });
    } else {
      this.updateThread(comment.rootId!, (t) => ({ ...t, replies: [...t.replies, comment], replyCount: t.replyCount + 1 }));
    }
    this.set({ incoming: this.state.incoming.filter((c) => c.id !== comment.id) });
    this.announce(comment.status === 'approved' ? this.t.m.postedPublished : this.t.m.postedPending);
    this.emit('posted', { comment: { id: comment.id, status: comment.status } });
    return comment;
  }

  async edit(id: string, body: string): Promise<Comment> {
    const { comment } = await this.api.call((headers) =>
      this.api.client.PATCH('/api/comments/{commentId}', { params: { path: { commentId: id } }, body: { body }, headers }),
    );
    this.replace(comment);
    this.announce(comment.status === 'approved' ? this.t.m.editedPublished : this.t.m.editedPending);
    return comment;
  }

  /**
   * Sets (kind) or takes back (null) the reader's reaction: shown at once, put back as it was if the service refuses,
   * then the service's counts.
   */
  async react(id: string, kind: string | null): Promise<void> {
    const before = this.find(id);
    if (!before) return;
    const counts = { ...before.reactions };
    const mine = before.myReaction ?? null;
    if (mine) counts[mine] = (counts[mine] ?? 1) - 1;
    if (kind) counts[kind] = (counts[kind] ?? 0) + 1;
    for (const k of Object.keys(counts)) if (!counts[k]) delete counts[k];
    this.patch(id, { reactions: counts, myReaction: kind });
    try {
      const { reaction } = await this.api.call((headers) =>
        kind
          ? this.api.client.PUT('/api/comments/{commentId}/reactions/mine', {
              params: { path: { commentId: id } },
              body: { kind },
              headers,
            })
          : this.api.client.DELETE('/api/comments/{commentId}/reactions/mine', { params: { path: { commentId: id } }, headers }),
      );
      this.patch(id, { reactions: reaction.reactions, myReaction: reaction.myReaction });
    } catch (err) {
      this.patch(id, { reactions: before.reactions, myReaction: mine });
      throw err;
    }
  }

  private patch(id: string, fields: Partial<Comment>): void {
    const now = this.find(id);
    if (now) this.replace({ ...now, ...fields });
  }

  async remove(id: string): Promise<void> {
    await this.api.call((headers) => this.api.client.DELETE('/api/comments/{commentId}', { params: { path: { commentId: id } }, headers }));
    this.drop(id);
    this.announce(this.t.m.deleted);
  }

  async report(id: string, reason: string, notice?: Schemas['ReportNoticeDto']): Promise<void> {
    await this.api.call((headers) =>
      this.api.client.POST('/api/comments/{commentId}/reports', {
        params: { path: { commentId: id } },
        body: notice ? { reason, notice } : { reason },
        headers,
      }),
    );
  }

  async notice(body: Schemas['CreateNoticeDto']): Promise<Schemas['NoticeReceiptDto']> {
    return this.api.call((headers) => this.api.client.POST('/api/notices', { body, headers }));
  }

  async decisions(): Promise<Decision[]> {
    const page = await this.api.call((headers) => this.api.client.GET('/api/me/decisions', { params: { query: { limit: 50 } }, headers }));
    return page.items;
  }

  async appeal(decisionId: string, explanation: string): Promise<Schemas['AppealDto']> {
    const { appeal } = await this.api.call((headers) =>
      this.api.client.POST('/api/decisions/{decisionId}/appeals', { params: { path: { decisionId } }, body: { explanation }, headers }),
    );
    return appeal;
  }

  /** The reader's e-mail settings and whether their address is confirmed (docs/mail.md). */
  async notifications(): Promise<Notifications> {
    const { notifications } = await this.api.call((headers) => this.api.client.GET('/api/me/notifications', { headers }));
    return notifications;
  }

  /** Reply mails off, one per reply, or a daily digest; in the widget's language. The staff's queue digest stays as it was. */
  async saveNotifications(replies: ReplyMails, locale: 'bg' | 'en', queueDigest: boolean): Promise<Notifications> {
    const { notifications } = await this.api.call((headers) =>
      this.api.client.PUT('/api/me/notifications', { body: { replies, locale, queueDigest }, headers }),
    );
    return notifications;
  }

  /** Mails the account's address a link that confirms it (double opt-in); earlier links stop working. */
  async requestConfirmation(): Promise<Schemas['ConfirmationSentDto']> {
    const { confirmation } = await this.api.call((headers) => this.api.client.POST('/api/me/email/confirmation', { headers }));
    return confirmation;
  }

  /** Everything stored about the account, as a JSON file the browser downloads (GDPR Art. 15, 20). */
  async exportData(): Promise<void> {
    const data = await this.api.call((headers) => this.api.client.GET('/api/me/export', { headers }));
    const href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = Object.assign(document.createElement('a'), { href, download: 'my-comments-data.json' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  }

  /** A fresh Idempotency-Key for a new draft. */
  newKey(): string {
    return typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : `${Date.now()}-${++this.seq}-${Math.random().toString(36).slice(2)}`;
  }
}

function toThread(t: Schemas['ThreadDto']): Thread {
  return { ...t, replies: t.replies.items, repliesCursor: t.replies.nextCursor };
}

/** The page's canonical address (its <link rel="canonical">), else where it is. */
function pageUrl(): string {
  const canonical = document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.href;
  return canonical || location.href.split('#')[0]!;
}

function pageTitle(): string {
  const og = document.querySelector<HTMLMetaElement>('meta[property="og:title"]')?.content;
  return (og || document.title || location.pathname).slice(0, 300);
}

/** For the page's `newsroom:error` listeners: the code, never a stack. */
export function describe(err: unknown): { code: string; message: string } {
  return err instanceof ApiError ? { code: err.code, message: err.message } : { code: 'INTERNAL_ERROR', message: String(err) };
}
