// The pages' API client: openapi-fetch over the types generated from openapi/openapi.json (one contract for the
// service and its pages), with a session that refreshes its access token quietly. Tokens travel only in the
// Authorization header, never in a URL; no cookies (so no CSRF).
import createClient from 'openapi-fetch';
import type { components, paths } from '../../openapi/schema';

export type Schemas = components['schemas'];
export type AuthTokens = Schemas['AuthTokensDto'];
export type ApiError = { code: string; message: string; details?: { field?: string; message: string; [k: string]: unknown }[] };

/** What is kept between page loads: the token pair and when the access token expires (ms since epoch). */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  user: AuthTokens['user'];
}

/** Where a session is kept (localStorage: every tab of the site shares it; refreshes are coordinated across tabs). */
export interface SessionStore {
  load(): StoredSession | null;
  save(session: StoredSession | null): void;
}

export function localSessionStore(key: string): SessionStore {
  return {
    load() {
      try {
        const raw = localStorage.getItem(key);
        return raw ? (JSON.parse(raw) as StoredSession) : null;
      } catch {
        return null;
      }
    },
    save(session) {
      try {
        if (session) localStorage.setItem(key, JSON.stringify(session));
        else localStorage.removeItem(key);
      } catch {
        // private mode or full storage: the session lives in memory only
      }
    },
  };
}

/** Why a session ended: signed out here, or the service refused the tokens (expired, revoked, reused). */
export type SessionEnd = 'signed-out' | 'expired';

/** Refresh this long before the access token expires. */
const EARLY_MS = 30_000;

/**
 * A signed-in session against the service at `base`. `fetch` is the function openapi-fetch calls: it adds the
 * Bearer token, refreshes it first when it is about to expire, and refreshes and retries once on 401 TOKEN_EXPIRED.
 * Refreshing spends the refresh token (rotation), so tabs sharing a session refresh one at a time (Web Locks) and
 * a tab that finds the stored pair already rotated takes it instead of spending a used token.
 */
export class ApiSession {
  private current: StoredSession | null;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<(s: StoredSession | null, why?: SessionEnd) => void>();

  constructor(
    readonly base: string,
    private readonly store: SessionStore,
  ) {
    this.current = store.load();
    addEventListener('storage', () => {
      const next = this.store.load();
      if (next?.refreshToken === this.current?.refreshToken) return;
      this.current = next;
      this.emit(next ? undefined : 'signed-out');
    });
  }

  get session(): StoredSession | null {
    return this.current;
  }

  onChange(listener: (s: StoredSession | null, why?: SessionEnd) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After login, SSO or setup: keeps the pair. */
  signedIn(tokens: AuthTokens): void {
    this.keep({
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: Date.now() + tokens.expiresIn * 1000,
      user: tokens.user,
    });
  }

  /** Ends the session here and revokes it at the service (best effort). */
  async signOut(): Promise<void> {
    const s = this.current;
    this.end('signed-out');
    if (s)
      await fetch(`${this.base}/api/auth/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: s.refreshToken }),
      }).catch(() => undefined);
  }

  /** A valid access token (refreshed first when it is about to expire), or null when signed out. */
  async token(): Promise<string | null> {
    if (!this.current) return null;
    if (this.current.expiresAt - Date.now() < EARLY_MS) await this.refresh();
    return this.current?.accessToken ?? null;
  }

  /** Trades the refresh token for a new pair; false (and signed out) when the service refuses it. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.lockedRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** For openapi-fetch (and streams): the request with the Bearer token, retried once after a quiet refresh. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const retry = request.clone();
    const token = await this.token();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    const response = await fetch(request);
    if (response.status !== 401 || !token) return response;
    const code = await errorCode(response.clone());
    if (code !== 'TOKEN_EXPIRED' && code !== 'INVALID_TOKEN') return response;
    if (!(await this.refresh())) return response;
    retry.headers.set('authorization', `Bearer ${this.current!.accessToken}`);
    return fetch(retry);
  };

  private async lockedRefresh(): Promise<boolean> {
    const spent = this.current?.refreshToken;
    if (!spent) return false;
    const run = async () => {
      // Another tab may have rotated the pair while this one waited for the lock.
      const stored = this.store.load();
      if (stored && stored.refreshToken !== spent && stored.expiresAt - Date.now() > EARLY_MS) {
        this.current = stored;
        this.emit();
        return true;
      }
      const res = await fetch(`${this.base}/api/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: spent }),
      }).catch(() => null);
      if (!res) return true; // offline: keep the session, try again later
      if (!res.ok) {
        if (res.status === 401) this.end('expired');
        return false;
      }
      this.signedIn((await res.json()) as AuthTokens);
      return true;
    };
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    return locks ? locks.request(`newsroom-session:${this.base}`, run) : run();
  }

  private keep(s: StoredSession): void {
    this.current = s;
    this.store.save(s);
    this.emit();
  }

  private end(why: SessionEnd): void {
    this.current = null;
    this.store.save(null);
    this.emit(why);
  }

  private emit(why?: SessionEnd): void {
    for (const l of this.listeners) l(this.current, why);
  }
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    return ((await response.json()) as { error?: ApiError }).error?.code;
  } catch {
    return undefined;
  }
}

/** The typed client: `api.GET('/api/admin/comments', { params: { query } })` → `{ data, error, response }`. */
export function createApi(session: ApiSession) {
  return createClient<paths>({ baseUrl: session.base, fetch: session.fetch });
}

export type Api = ReturnType<typeof createApi>;

/** The error body of a failed call (openapi-fetch puts it in `error`). */
export function apiError(error: unknown): ApiError | undefined {
  return (error as { error?: ApiError } | undefined)?.error;
}
