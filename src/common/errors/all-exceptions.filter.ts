import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Prisma } from '../../generated/prisma/client.js';
import { databaseFault, sqlStates } from './database-errors.js';
import { AppError, type ErrorBody, type ErrorDetail } from './app-error.js';
import { bearerChallenge, type ErrorCode } from './error-codes.js';

/** The catalog code for a bare HTTP status from the framework (Nest's HttpExceptions, Fastify's FST_ errors). */
const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

interface Mapped {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** PostgreSQL refused the text itself (a NUL character, or not representable): bad client input, not a server fault. */
const INVALID_TEXT_SQLSTATES = new Set(['22021', '22P05']);

/**
 * What a client hears for any database fault (unreachable, saturated, restarting, too slow, deadlocked twice; see
 * database-errors.ts): 503, never 500. It may retry after Retry-After seconds.
 */
const DATABASE_UNAVAILABLE: Mapped = {
  status: HttpStatus.SERVICE_UNAVAILABLE,
  body: { error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is temporarily unavailable; retry shortly' } },
  headers: { 'retry-after': '2' },
};

/** A 503 from the framework itself (e.g. the server is shutting down). */
const unavailable = (): Mapped => ({
  status: HttpStatus.SERVICE_UNAVAILABLE,
  body: body('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable, retry shortly'),
  headers: { 'retry-after': '1' },
});

function body(code: ErrorCode, message: string, details?: ErrorDetail[]): ErrorBody {
  return { error: details?.length ? { code, message, details } : { code, message } };
}

/** Every 401 carries a Bearer challenge (RFC 9110 §15.5.2, RFC 6750 §3), with error="invalid_token" where the token was the problem. */
function withChallenge(mapped: Mapped): Mapped {
  const challenge = bearerChallenge(mapped.body.error.code, mapped.body.error.message);
  return challenge ? { ...mapped, headers: { ...mapped.headers, 'www-authenticate': challenge } } : mapped;
}

export function mapError(exception: unknown): Mapped {
  return withChallenge(mapException(exception));
}

function mapException(exception: unknown): Mapped {
  if (exception instanceof AppError) {
    return { status: exception.status, body: body(exception.code, exception.message, exception.details), headers: exception.headers };
  }
  if (exception instanceof HttpException) {
    // Nest wraps Fastify's own 4xx errors (body parser, content type, body limit); map them by their code.
    const cause = exception.cause as { code?: unknown } | undefined;
    if (typeof cause?.code === 'string' && cause.code.startsWith('FST_')) return mapException(cause);
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? 'Request validation failed'
          : String((response as { message?: unknown }).message ?? exception.message);
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
      return { status, body: body('ROUTE_NOT_FOUND', 'No route matches this method and path') };
    }
    if (status === 429) {
      return { status, body: body('RATE_LIMITED', 'Too many requests, slow down and retry later') };
    }
    if (status === 503) return unavailable();
    const code = status < 500 ? STATUS_CODES[status] : undefined;
    // A 4xx the catalog has no code for is still the client's fault (400); an unexpected 5xx is a bug (500).
    if (!code)
      return status < 500
        ? { status: 400, body: body('BAD_REQUEST', message) }
        : { status: 500, body: body('INTERNAL_ERROR', 'Internal server error') };
    return { status, body: body(code, message) };
  }
  // Fastify's own errors (body parser, content type, body limit) carry a statusCode.
  const fst = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fst?.code === 'string' && fst.code.startsWith('FST_') && typeof fst.statusCode === 'number' && fst.statusCode < 500) {
    const status = fst.statusCode;
    const messages: Record<string, string> = {
      FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type; send application/json',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty but Content-Type is application/json',
      FST_ERR_CTP_INVALID_JSON_BODY: 'Request body is not valid JSON',
    };
    const code =
      fst.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fst.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'INVALID_JSON'
        : (STATUS_CODES[status] ?? 'BAD_REQUEST');
    return { status, body: body(code, messages[fst.code] ?? 'Malformed request') };
  }
  if (exception instanceof SyntaxError && /JSON/.test(exception.message)) {
    return { status: 400, body: body('INVALID_JSON', 'Request body is not valid JSON') };
  }
  if (exception instanceof URIError) {
    return { status: 400, body: body('BAD_REQUEST', 'Malformed URL encoding') };
  }
  if (sqlStates(exception).some((c) => INVALID_TEXT_SQLSTATES.has(c))) {
    return { status: 400, body: body('INVALID_TEXT', 'Text must not contain NUL characters') };
  }
  if (databaseFault(exception)) return DATABASE_UNAVAILABLE;
  if (exception instanceof Prisma.PrismaClientKnownRequestError) {
    if (exception.code === 'P2002') return { status: 409, body: body('CONFLICT', 'The resource already exists') };
    if (exception.code === 'P2025') return { status: 404, body: body('NOT_FOUND', 'The resource was not found') };
  }
  return { status: 500, body: body('INTERNAL_ERROR', 'Internal server error') };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const mapped = mapError(exception);
    if (mapped.status >= 500) {
      const err = exception as Error;
      this.logger.error(
        { msg: 'request failed', reqId: request?.id, method: request?.method, url: request?.url, status: mapped.status, err: err?.message },
        mapped.status === 500 ? err?.stack : undefined,
      );
    }
    if (reply.sent) return;
    for (const [k, v] of Object.entries(mapped.headers ?? {})) void reply.header(k, v);
    void reply.status(mapped.status).header('cache-control', 'no-store').send(mapped.body);
  }
}
