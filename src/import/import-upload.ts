import type { FastifyInstance } from 'fastify';
import { AppError } from '../common/errors/app-error.js';
import type { ImportFormat } from './import-records.js';

/**
 * Import files uploaded to `POST /api/admin/imports` (docs/import-export.md): the route's body limit is raised to
 * IMPORT_UPLOAD_MAX_BYTES for that route only, and its file types are parsed as raw bytes for that route only;
 * every other route keeps BODY_LIMIT_BYTES and answers these types with 415, as before.
 */

export const IMPORT_UPLOAD_ROUTE = '/api/admin/imports';
/** 50 MB: a Disqus export of about 60,000 comments. Larger files go through `npm run import`. */
export const IMPORT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
/** XML (Disqus, WordPress), JSON lines (Coral, Remark42, native), or bytes with `?from=`. */
export const IMPORT_UPLOAD_TYPES = [
  'application/xml',
  'text/xml',
  'application/x-ndjson',
  'application/jsonl',
  'application/json-lines',
  'application/octet-stream',
];

const isUploadRoute = (method: string, url: string | undefined) => method === 'POST' && url === IMPORT_UPLOAD_ROUTE;

/** Call after the JSON parser is installed and before routes are registered. */
export function installImportUploads(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if ([route.method].flat().some((m) => isUploadRoute(m, route.url))) route.bodyLimit = IMPORT_UPLOAD_MAX_BYTES;
  });
  // parseAs: Fastify reads the body up to the route's limit (413 beyond it, before reading when Content-Length says so).
  fastify.addContentTypeParser(IMPORT_UPLOAD_TYPES, { parseAs: 'buffer' }, (req, body, done) => {
    if (!isUploadRoute(req.method, req.routeOptions.url)) {
      return done(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type; send application/json'), undefined);
    }
    done(null, body);
  });
}

/**
 * The format of an uploaded file from its first bytes: the XML root element (`<disqus>`, `<rss>` with the
 * WordPress namespace), or the first JSON line (the native header, Remark42's meta line, a Coral document).
 */
export function detectImportFormat(head: Buffer): ImportFormat | undefined {
  const text = head
    .subarray(0, 64 * 1024)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.startsWith('<')) {
    const root = /<(?!\?|!)([\w:-]+)/.exec(start)?.[1];
    if (root === 'disqus') return 'disqus';
    if (root === 'rss' && /xmlns:wp=/.test(start)) return 'wordpress';
    return undefined;
  }
  const firstLine = start.split('\n', 1)[0];
  let rec: unknown;
  try {
    rec = JSON.parse(firstLine);
  } catch {
    return undefined;
  }
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return undefined;
  const r = rec as Record<string, unknown>;
  if (r.type === 'header' && r.format === 'newsroom-comments') return 'native';
  if ('version' in r && ('users' in r || 'posts' in r)) return 'remark42';
  if ('storyID' in r || ('url' in r && 'metadata' in r) || 'username' in r || 'profiles' in r) return 'coral';
  return undefined;
}
