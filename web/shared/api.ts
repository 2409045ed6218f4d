// The pages' one way to the API: a typed client generated from openapi/openapi.json (openapi-fetch over the
// openapi-typescript types), bearer tokens kept by a Session, refreshed when they expire (once for all open tabs),
// and every failure turned into an ApiError carrying the catalog code. Generic: the reader's widget and the
// console both use it; what a code means to a person lives in each page's locale files.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../openapi/schema';

export type Schemas = components['schemas'];
export type User = Schemas['UserDto'];
export type AuthTokens = Schemas['AuthTokensDto'];
/** A catalog code, or NETWORK_ERROR when no answer came (offline, blocked, CORS). */
export type ErrorCode = Schemas['ErrorCode'] | 'NETWORK_ERROR';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: { field?: string; message: string }[] = [],
    /** Seconds, from Retry-After (429, 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a signed-in page keeps: both tokens, when the access token expires, and who it is. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  user: User;
}

/** Where the session lives: memory only, this tab (sessionStorage) or every tab of the site (localStorage). */
export type TokenStorage = 'local' | 'session' | 'memory';

export interface SessionStore {
  load(): StoredSession | null;
  save(session: StoredSession | null): void;
  /** Another tab signed in, refreshed or signed out. */
  onChange(listener: () => void): void;
}

export function sessionStore(kind: TokenStorage, key: string): SessionStore {
  let memory: StoredSession | null = null;
  let storage: Storage | undefined;
  try {
    storage = kind === 'local' ? localStorage : kind === 'session' ? sessionStorage : undefined;
  } catch {
    storage = undefined; // storage blocked (privacy settings): memory only
  }
  return {
    load() {
      if (!storage) return memory;
      try {
        const raw = storage.getItem(key);
        return raw ? (JSON.parse(raw) as StoredSession) : null;
      } catch {
        return null;
      }
    },
    save(session) {
      memory = session;
      try {
        if (session) storage?.setItem(key, JSON.stringify(session));
        else storage?.removeItem(key);
      } catch {
        // quota or privacy mode: this page still has it in memory
      }
    },
    onChange(listener) {
      if (storage === localStorage) addEventListener('storage', (e) => e.key === key && listener());
    },
  };
}

type Headers = Record<string, string>;
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Access tokens this close to their end are refreshed before use rather than sent to fail. */
const EARLY_MS = 30_000;

export class Api {
  readonly client: Client<paths>;
  private session: StoredSession | null;
  private refreshing?: Promise<boolean>;
  private listeners = new Set<(user: User | null) => void>();

  constructor(
    readonly baseUrl: string,
    private readonly store: SessionStore,
  ) {
    this.client = createClient<paths>({ baseUrl });
    this.session = store.load();
    store.onChange(() => {
      const next = store.load();
      const changed = next?.user.id !== this.session?.user.id;
      this.session = next;
      if (changed) this.emit();
    });
  }

  get user(): User | null {
    return this.session?.user ?? null;
  }

  /** Called with the signed-in user (or null) whenever it changes, here or in another tab. */
  onUser(listener: (user: User | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps the tokens of a sign-in (login, registration, publisher sign-in, refresh). */
  signedIn(tokens: AuthTokens): User {
    const changed = tokens.user.id !== this.session?.user.id;
    this.session = { ...tokens, expiresAt: Date.now() + tokens.expiresIn * 1000 };
    this.store.save(this.session);
    if (changed) this.emit();
    return tokens.user;
  }

  /** The user changed (a ban seen in /auth/me): kept with the tokens. */
  updateUser(user: User): void {
    if (!this.session) return;
    this.session = { ...this.session, user };
    this.store.save(this.session);
    this.emit();
  }

  /** Ends the session here and on the server (best effort: the tokens are forgotten either way). */
  async signOut(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    this.forget();
    if (refreshToken) await this.client.POST('/api/auth/logout', { body: { refreshToken } }).catch(() => undefined);
  }

  /**
   * Runs one request and returns its body, or throws ApiError. `auth`: send the access token when signed in
   * (refreshed first when about to expire; refreshed and retried once when the API says it expired).
   */
  async call<T>(request: (headers: Headers) => Promise<Answer<T>>, options: { auth?: boolean } = {}): Promise<T> {
    const auth = options.auth ?? true;
    if (auth && this.session && this.session.expiresAt - Date.now() < EARLY_MS) await this.refresh();
    let answer = await this.send(request, auth);
    if (auth && this.session && answer.response.status === 401) {
      const code = (answer.error as { error?: { code?: string } } | undefined)?.error?.code;
      if ((code === 'TOKEN_EXPIRED' || code === 'INVALID_TOKEN') && (await this.refresh())) answer = await this.send(request, auth);
    }
    if (answer.response.ok) return answer.data as T;
    throw toApiError(answer.response, answer.error);
  }

  /**
   * Trades the refresh token for a new pair. Tabs of one site share a localStorage session: a Web Lock makes
   * them take turns, and each re-reads the stored session inside it, so a token another tab has just spent is
   * never sent again (that would end the whole session as REFRESH_TOKEN_REUSED).
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        const run = async () => {
          const stored = this.store.load() ?? this.session;
          if (!stored) return false;
          if (stored.accessToken !== this.session?.accessToken && stored.expiresAt - Date.now() > EARLY_MS) {
            this.session = stored; // another tab refreshed meanwhile
            return true;
          }
          const { data, response } = await this.client.POST('/api/auth/refresh', { body: { refreshToken: stored.refreshToken } });
          if (data) {
            this.signedIn(data);
            return true;
          }
          if (response.status === 401) this.forget();
          return false;
        };
        const locks = (navigator as Navigator & { locks?: LockManager }).locks;
        return await (locks ? locks.request(`newsroom-refresh ${this.baseUrl}`, run) : run());
      } catch {
        return false;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async send<T>(request: (headers: Headers) => Promise<Answer<T>>, auth: boolean): Promise<Answer<T>> {
    const headers: Headers = auth && this.session ? { Authorization: `Bearer ${this.session.accessToken}` } : {};
    try {
      return await request(headers);
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', 'No answer from the comments service');
    }
  }

  private forget(): void {
    const had = this.session !== null;
    this.session = null;
    this.store.save(null);
    if (had) this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.user);
  }
}

export function toApiError(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: { field?: string; message: string }[] } } | undefined)
    ?.error;
  const retry = Number(response.headers.get('retry-after'));
  return new ApiError(
    response.status,
    (error?.code as ErrorCode | undefined) ?? (response.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'),
    error?.message ?? response.statusText,
    error?.details,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}
