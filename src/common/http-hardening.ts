import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { mapError } from './errors/all-exceptions.filter.js';
import { AppError } from './errors/app-error.js';
import type { ErrorCode } from './errors/error-codes.js';

/** Deeper bodies are refused before class-transformer recurses into them (10k levels overflow its stack: a 500). */
export const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether arrays/objects nest deeper than `max` (brackets inside strings do not count). */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The only body parser: application/json, strictly UTF-8 (RFC 8259; no silent U+FFFD replacement), nested at most
 * MAX_JSON_DEPTH levels, parsed by Fastify's prototype-poisoning-safe parser. Any other Content-Type on a request
 * with a body is 415: no form or text/plain bodies, which browsers send cross-site without a CORS preflight.
 * Call before routes are registered (Nest's own parsers are disabled with `bodyParser: false`).
 */
export function useStrictJsonBodies(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(AppError.badRequest('INVALID_JSON', 'Request body is not valid UTF-8'), undefined);
    }
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      return done(
        AppError.badRequest('INVALID_JSON', `Request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
    }
    void parse(req, text, done);
  });
}

/**
 * Form bodies (`application/x-www-form-urlencoded`, `multipart/form-data`) on the few paths that must take them and
 * nowhere else (415 elsewhere, as before): the links in mails, whose RFC 8058 one-click unsubscribe POST and whose
 * confirmation page's button send a form. A urlencoded body becomes an object of its fields; a multipart body (only
 * where the one-click POST may use it, `multipartPaths`; its field carries nothing the route needs) an empty object.
 */
export function useFormBodiesOn(fastify: FastifyInstance, paths: readonly string[], multipartPaths: readonly string[] = []): void {
  const allowed = new Set(paths);
  const multipart = new Set(multipartPaths);
  const refuse = () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'Bodies must be application/json');
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    if (!allowed.has(req.url.split('?')[0])) return done(refuse(), undefined);
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, _body, done) => {
    if (!multipart.has(req.url.split('?')[0])) return done(refuse(), undefined);
    done(null, {});
  });
}

/**
 * Helmet's headers, computed once. @fastify/helmet rebuilds the whole helmet middleware (parsing the CSP) on every
 * request, a measurable share of a cheap route's CPU; our headers are static (no nonces), so one object serves all.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  return headers;
}

/**
 * Router-level rejections (malformed URL encoding, over-long path parameter) in the standard error body. They are
 * answered before any hook runs, so they get the security headers here.
 */
export function frameworkErrors(securityHeaders: Readonly<Record<string, string>>) {
  return (error: Error, _req: FastifyRequest, reply: FastifyReply): void => {
    const mapped = mapError(error);
    void reply
      .status(mapped.status)
      .headers({ ...securityHeaders, ...mapped.headers, 'cache-control': 'no-store' })
      .send(mapped.body);
  };
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (request line or headers over the 16 KB limit,
 * garbage), answered in the standard error body instead of Fastify's default shape; the connection is closed.
 */
export function clientErrorHandler(securityHeaders: Readonly<Record<string, string>>) {
  const extraHeaders = Object.entries(securityHeaders)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (err: ConnectionError, socket: Socket): void => answerClientError(err, socket, extraHeaders);
}

function answerClientError(err: ConnectionError, socket: Socket, extraHeaders: string): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let code: ErrorCode = 'BAD_REQUEST';
  let message = 'Malformed HTTP request';
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // The first packet of the request and still no line break: the request line, i.e. the URL, is too long.
    const packet: unknown = err.rawPacket;
    const urlTooLong =
      Buffer.isBuffer(packet) && /^[A-Z]{3,7} \//.test(packet.subarray(0, 9).toString('latin1')) && !packet.includes('\r\n');
    [status, code, message] = urlTooLong
      ? [414, 'URI_TOO_LONG', 'The URL is too long']
      : [431, 'HEADERS_TOO_LARGE', 'The request headers are too large'];
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    [status, code, message] = [408, 'REQUEST_TIMEOUT', 'The request was not received in time'];
  }
  if (socket.writable) {
    const body = JSON.stringify({ error: { code, message } });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n${extraHeaders}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
