import type { FastifyReply, FastifyRequest } from 'fastify';
import { matchesIfNoneMatch } from '../common/http-cache.js';
import type { WebAsset } from './web-assets.js';

/** Hashed files never change under their name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Fixed names (the widget's loader, the count snippet): short, so a new release reaches readers within minutes. */
export const SHORT_LIVED = 'public, max-age=300, stale-while-revalidate=86400';

/** The encoding to send: brotli, then gzip, when the client accepts it (and did not refuse it with q=0). */
function chooseEncoding(header: string | undefined, asset: WebAsset): 'br' | 'gzip' | undefined {
  if (!header || !asset.gzip) return undefined;
  const accepted = new Set(
    header
      .toLowerCase()
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^\s*q=0(\.0*)?\s*$/.test(q))
      .map(([name]) => name.trim()),
  );
  if (asset.brotli && accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return undefined;
}

/** Sends a built file: conditional GET (304 without content headers), compression, caching, cross-origin use. */
export function sendAsset(
  req: FastifyRequest,
  reply: FastifyReply,
  asset: WebAsset,
  options: { cacheControl: string; crossOrigin: boolean },
): FastifyReply {
  void reply.header('etag', asset.etag).header('cache-control', options.cacheControl).header('vary', 'accept-encoding');
  if (options.crossOrigin) {
    // News sites load the widget from this origin: a module script is fetched in CORS mode, so it needs ACAO, and
    // CORP must not say same-origin. No credentials are involved (the widget sends bearer tokens, no cookies).
    void reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
  }
  if (matchesIfNoneMatch(req.headers['if-none-match'], asset.etag)) return reply.code(304).send();
  const encoding = chooseEncoding(req.headers['accept-encoding'], asset);
  const body = encoding === 'br' ? asset.brotli! : encoding === 'gzip' ? asset.gzip! : asset.body;
  if (encoding) void reply.header('content-encoding', encoding);
  return reply.header('content-type', asset.type).send(body);
}
