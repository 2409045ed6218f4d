import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import { type HostResolver, type ResolvedAddress, checkWebhookUrl, resolveTarget, TargetRefusedError } from './target-guard.js';

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
  resolver: HostResolver;
  /** Keep the response body (up to 64 KiB) in the result: for calls whose answer matters (the classifier). */
  readBody?: boolean;
  /** Gives up at once when aborted (the process is shutting down), reported as `aborted`. */
  signal?: AbortSignal;
  /** The User-Agent header (default: the webhooks'). */
  userAgent?: string;
  /**
   * Keep the connection for the next call to the same checked addresses (the classifier: one call per comment, to
   * a target the operator configured). The target is still resolved and checked on every call; a kept socket is
   * reused only by calls whose check gave the same addresses, so none outlives the check that allowed it.
   */
  keepAlive?: boolean;
}

export interface SendResult {
  /** 2xx: delivered. */
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status: number | null;
  /** Why it failed (network, timeout, refused target, redirect, non-2xx); null on success. Never the response body. */
  error: string | null;
  durationMs: number;
  /** The receiver's Retry-After (429, 503), in ms, when it sent one. */
  retryAfterMs: number | null;
  /** The response body as UTF-8, when `readBody` was asked and it fitted in 64 KiB; null otherwise. */
  body?: string | null;
}

/** How much of a receiver's response body is read (and thrown away) before the connection is closed. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export const USER_AGENT = 'newsroom-comments-webhooks/1';

/** Keep-alive agents by protocol and checked address set (a handful: one target, re-resolved now and then). */
const agents = new Map<string, http.Agent>();

function keptAgent(protocol: string, addresses: ResolvedAddress[]): http.Agent {
  const key = `${protocol}${addresses
    .map((a) => a.address)
    .sort()
    .join(',')}`;
  let agent = agents.get(key);
  if (!agent) {
    // A target whose addresses keep changing must not pile up agents (and their sockets).
    if (agents.size >= 8) {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    }
    const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000, scheduling: 'lifo' as const };
    agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * One delivery attempt: resolve and check the target (webhook-target.ts), then POST the body to exactly the
 * addresses checked (the socket's `lookup` answers with them instead of asking DNS again), with a deadline for the
 * whole attempt (resolution, connection, TLS, response). Redirects are not followed: a 3xx is a failed attempt.
 * A fresh connection per attempt unless `keepAlive` (then only to the same checked addresses), so no socket
 * outlives the check that allowed it. Never throws.
 */
export async function postJson(req: SendRequest): Promise<SendResult> {
  const started = performance.now();
  const result = (r: Omit<SendResult, 'durationMs'>): SendResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
  const failure = (error: string, status: number | null = null) => result({ ok: false, status, error, retryAfterMs: null });

  const checked = checkWebhookUrl(req.url);
  if (!checked.ok) return failure(`the URL ${checked.reason}`);
  const url = checked.url;
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const deadline = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  const timedOut = () => failure(req.signal?.aborted ? 'aborted' : `no response within ${req.timeoutMs} ms`);

  let addresses: ResolvedAddress[];
  try {
    addresses = await Promise.race([
      resolveTarget(req.resolver, url.hostname, req.allowPrivate),
      new Promise<never>((_, reject) => deadline.addEventListener('abort', () => reject(deadline.reason), { once: true })),
    ]);
  } catch (err) {
    if (err instanceof TargetRefusedError) return failure(`target refused: ${err.message}`);
    if (deadline.aborted) return timedOut();
    return failure(`target refused: ${(err as Error).message}`);
  }

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const settle = (r: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(
      url,
      {
        method: 'POST',
        agent: req.keepAlive ? keptAgent(url.protocol, addresses) : false,
        signal: deadline,
        lookup: pinnedLookup(addresses),
        headers: {
          ...req.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(req.body).toString(),
          'user-agent': req.userAgent ?? USER_AGENT,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let received = 0;
        const chunks: Buffer[] = [];
        const finish = () => {
          const body = req.readBody && received <= MAX_RESPONSE_BYTES ? Buffer.concat(chunks).toString('utf8') : null;
          if (status >= 200 && status < 300)
            settle(result({ ok: true, status, error: null, retryAfterMs: null, ...(req.readBody && { body }) }));
          else if (status >= 300 && status < 400) settle(failure(`redirect (${status}) not followed`, status));
          else settle(result({ ok: false, status, error: `HTTP ${status}`, retryAfterMs: retryAfter(res.headers['retry-after']) }));
          // A kept-alive socket whose answer was read to its end goes back to its agent; any other is closed.
          if (!req.keepAlive || !res.complete) request.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (req.readBody && received <= MAX_RESPONSE_BYTES) chunks.push(chunk);
          if (received > MAX_RESPONSE_BYTES) finish();
        });
        res.on('end', finish);
        res.on('error', finish);
      },
    );
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (deadline.aborted) settle(timedOut());
      else settle(failure(describeNetworkError(err)));
    });
    request.end(req.body);
  });
}

/** A `lookup` for the socket that answers with the addresses already checked, never asking DNS a second time. */
function pinnedLookup(addresses: ResolvedAddress[]) {
  return (
    _hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
    const matching = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    if (!matching.length) {
      const err: NodeJS.ErrnoException = new Error(`no IPv${family} address among the checked ones`);
      err.code = 'ENOTFOUND';
      callback(err, '');
      return;
    }
    if (options.all) callback(null, matching);
    else callback(null, matching[0].address, matching[0].family);
  };
}

function describeNetworkError(err: NodeJS.ErrnoException): string {
  const code = err.code ? `${err.code}: ` : '';
  return `${code}${err.message}`.slice(0, 500);
}

/** Retry-After in seconds or as an HTTP date, in ms; null when absent or unreadable. */
function retryAfter(value: string | string[] | undefined): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** A webhook delivery attempt (the body of the answer is not kept). */
export const sendWebhook = (req: SendRequest) => postJson(req);
