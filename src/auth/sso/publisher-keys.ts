import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';

/** The largest key-set answer read (a publisher publishes a few keys: a few kilobytes). */
export const JWKS_MAX_BYTES = 1024 * 1024;

export interface PublisherKeysOptions {
  /** Per fetch: connecting, headers and body together. */
  timeoutMs: number;
  /** An unknown `kid` re-reads the key set at most once per this long. */
  cooldownMs: number;
  /** A key set this old is refreshed, in the background: its keys keep verifying meanwhile. */
  maxAgeMs: number;
  /** After a failed read, no new read for this long (unknown `kid`s and cold starts alike). */
  failureBackoffMs: number;
  maxBytes?: number;
  /** Test seam. */
  now?: () => number;
}

/** The key set cannot be read (publisher down, timeout, too large, not a key set) and no cached key fits the token. */
export class PublisherKeysUnavailable extends Error {
  constructor(
    message: string,
    /** Seconds until the next read is allowed. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;

/**
 * The publisher's published keys (SSO_JWKS_URL), read and cached by us rather than by jose's remote key set, for
 * three properties it lacks:
 *   - a size cap: the answer is read as a stream and the read aborted past `maxBytes` (a 300 MB answer must not
 *     take the process's memory);
 *   - negative caching: after a failed read no other read starts for `failureBackoffMs`, so unknown `kid`s while
 *     the publisher is down cannot turn every sign-in into a fetch;
 *   - stale-while-revalidate: a key set older than `maxAgeMs` keeps verifying while one background read refreshes
 *     it, so a hanging publisher never makes sign-ins wait for the timeout once keys were read.
 * Concurrent callers share one read in flight.
 */
export class PublisherKeys {
  private keys?: { set: JSONWebKeySet; local: LocalSet; readAt: number };
  private inFlight?: Promise<void>;
  private lastReadStartedAt = -Infinity;
  private failedAt = -Infinity;
  private lastError = '';
  private readonly now: () => number;
  private readonly maxBytes: number;

  constructor(
    private readonly url: URL,
    private readonly opts: PublisherKeysOptions,
    private readonly onError: (message: string, cachedKeys: number) => void = () => {},
  ) {
    this.now = opts.now ?? Date.now;
    this.maxBytes = opts.maxBytes ?? JWKS_MAX_BYTES;
  }

  /** The cached key set, if one was ever read. */
  cached(): JSONWebKeySet | undefined {
    return this.keys?.set;
  }

  /** jose's key-lookup function: the key for this token's header. */
  async getKey(header: JWSHeaderParameters, input: FlattenedJWSInput) {
    if (!this.keys) {
      await this.read();
      return this.keys!.local(header, input);
    }
    // Old: refresh in the background, answer with what we have.
    if (this.now() - this.keys.readAt >= this.opts.maxAgeMs) this.refreshInBackground();
    try {
      return await this.keys.local(header, input);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      // An unknown kid (key rotation): one read per cooldown; during a failed read's backoff none (503 at once).
      let readError: unknown;
      if (this.inFlight) await this.inFlight.catch((e: unknown) => (readError = e));
      else if (this.backingOff())
        await this.read().catch((e: unknown) => (readError = e)); // rejects at once, no fetch
      else if (this.now() - this.lastReadStartedAt >= this.opts.cooldownMs) await this.read().catch((e: unknown) => (readError = e));
      try {
        return await this.keys.local(header, input);
      } catch (stillUnknown) {
        // The key set could not be read: the key may well exist, we cannot tell.
        if (readError && stillUnknown instanceof errors.JWKSNoMatchingKey) throw readError;
        throw stillUnknown;
      }
    }
  }

  private backingOff(): boolean {
    return this.now() - this.failedAt < this.opts.failureBackoffMs;
  }

  private refreshInBackground(): void {
    if (this.inFlight || this.backingOff()) return;
    this.read().catch(() => {}); // logged by read(); the cached keys keep verifying
  }

  /** One read at a time; a read during the failure backoff fails at once with the last error. */
  private read(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.backingOff()) {
      const wait = Math.ceil((this.opts.failureBackoffMs - (this.now() - this.failedAt)) / 1000);
      return Promise.reject(new PublisherKeysUnavailable(this.lastError, Math.max(1, wait)));
    }
    this.lastReadStartedAt = this.now();
    this.inFlight = this.fetchKeySet()
      .then((set) => {
        this.keys = { set, local: createLocalJWKSet(set), readAt: this.now() };
        this.failedAt = -Infinity;
      })
      .catch((err: unknown) => {
        this.failedAt = this.now();
        this.lastError = err instanceof Error ? err.message : String(err);
        this.onError(this.lastError, this.keys?.set.keys.length ?? 0);
        throw new PublisherKeysUnavailable(this.lastError, Math.max(1, Math.ceil(this.opts.failureBackoffMs / 1000)));
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async fetchKeySet(): Promise<JSONWebKeySet> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no complete answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    try {
      const res = await fetch(this.url, { signal: abort.signal, redirect: 'error', headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`the key set answered ${res.status}`);
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > this.maxBytes) throw new Error(`the key set is larger than ${this.maxBytes} bytes`);
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of res.body ?? []) {
        size += (chunk as Uint8Array).byteLength;
        if (size > this.maxBytes) throw new Error(`the key set is larger than ${this.maxBytes} bytes`);
        chunks.push(chunk as Uint8Array);
      }
      const set = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      if (!isKeySet(set)) throw new Error('the answer is not a JSON Web Key Set');
      return set;
    } finally {
      clearTimeout(timer);
      abort.abort(); // closes the connection of an answer we stopped reading
    }
  }
}

function isKeySet(v: unknown): v is JSONWebKeySet {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as { keys?: unknown }).keys) &&
    (v as { keys: unknown[] }).keys.every((k) => typeof k === 'object' && k !== null)
  );
}
