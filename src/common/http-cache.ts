import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Sends `payload` with a strong ETag and a short shared-cache lifetime, or 304 when the client (or CDN) already
 * holds this exact representation.
 */
export function sendCacheable(req: FastifyRequest, reply: FastifyReply, payload: unknown, maxAgeSeconds = 5): unknown {
  const json = JSON.stringify(payload);
  const etag = `"${createHash('sha1').update(json).digest('base64url').slice(0, 22)}"`;
  void reply.header('etag', etag);
  void reply.header('cache-control', `public, max-age=${maxAgeSeconds}, stale-while-revalidate=30`);
  // Append: CORS has already set `Vary: Origin`, which a shared cache needs too.
  const vary = reply.getHeader('vary');
  void reply.header('vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding');
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    void reply.status(304).send();
    return undefined;
  }
  void reply.type('application/json; charset=utf-8').send(json);
  return undefined;
}
