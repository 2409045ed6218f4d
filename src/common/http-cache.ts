import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Conditional GET (RFC 9110 §13, RFC 9111) in one place: routes declare a CachePolicy (`@Endpoint({ cache })`),
 * and one onSend hook gives their 200 responses a strong ETag computed from the bytes sent, answers
 * `If-None-Match` (a matching tag, or `*`) with 304, and sets Cache-Control. Whatever produces the body (Prisma,
 * raw SQL, a hand-written `reply.send`), the validator stays right, because it is computed from the body itself.
 */
export interface CachePolicy {
  /** Seconds a browser or CDN may serve the response without asking again. */
  maxAge: number;
  /** Seconds after that a CDN may still serve it while it revalidates in the background. */
  staleWhileRevalidate: number;
  /** Seconds a CDN may serve it when the origin answers with errors. */
  staleIfError?: number;
  /** The body depends on who asks (a signed-in reader also sees their own pending comments). */
  perViewer?: boolean;
}

/** Fastify route config key carrying a route's CachePolicy (set by @Endpoint). */
export const CACHE_ROUTE_CONFIG = 'cachePolicy';

/** Comment counts: read on every article and listing page; a CDN absorbs nearly all of them (README: counts behind a CDN). */
export const COUNT_CACHE: CachePolicy = { maxAge: 5, staleWhileRevalidate: 30, staleIfError: 600 };
/** Articles and comment pages: short-lived, revalidated cheaply with If-None-Match. */
export const PAGE_CACHE: CachePolicy = { maxAge: 10, staleWhileRevalidate: 60, staleIfError: 600, perViewer: true };

export function cacheControl(policy: CachePolicy): string {
  const swr = `stale-while-revalidate=${policy.staleWhileRevalidate}`;
  return `public, max-age=${policy.maxAge}, ${swr}${policy.staleIfError ? `, stale-if-error=${policy.staleIfError}` : ''}`;
}

/**
 * A strong validator for exactly these bytes (22 base64url characters of SHA-1: collisions are not a concern here).
 * One native one-shot call: no Hash object per response.
 */
export function etagOf(body: string | Buffer): string {
  return `"${hash('sha1', body, 'base64url').slice(0, 22)}"`;
}

/** RFC 9110 §13.1.2: `*` matches any current representation; otherwise weak comparison against each listed tag. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Registers the hook. Routes without a policy pay one property lookup. */
export function useConditionalGet(fastify: FastifyInstance): void {
  fastify.addHook(
    'onSend',
    (req: FastifyRequest & { user?: unknown }, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
      const policy = (req.routeOptions.config as { [CACHE_ROUTE_CONFIG]?: CachePolicy } | undefined)?.[CACHE_ROUTE_CONFIG];
      if (!policy || reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return done(null, payload);
      const etag = etagOf(payload);
      void reply.header('etag', etag);
      // A signed-in viewer's page is private (the guard set no-store); everyone else shares one cacheable copy.
      if (!req.user) void reply.header('cache-control', cacheControl(policy));
      // Append: CORS has already set `Vary: Origin`, which a shared cache needs too.
      const vary = reply.getHeader('vary');
      const ours = policy.perViewer ? 'Accept-Encoding, Authorization' : 'Accept-Encoding';
      void reply.header('vary', vary ? `${String(vary)}, ${ours}` : ours);
      if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
        // RFC 9110 §15.4.5: no content, and no content headers that would describe an empty JSON body; the 200's
        // validators and caching headers stay.
        void reply.code(304).removeHeader('content-type').removeHeader('content-length');
        return done(null, null);
      }
      done(null, payload);
    },
  );
}

/**
 * Sends JSON text that is already serialised (the prepared read statements build it): no parse, no re-serialisation. The
 * conditional-GET hook still applies to it.
 */
export function sendJson(reply: FastifyReply, json: string, status = 200): void {
  void reply.status(status).type('application/json; charset=utf-8').send(json);
}
