import type { HeaderObject, OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';
import { ERROR_CATALOG, ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import type { DiscoveredEndpoint } from './endpoint-discovery.js';
import type { JsonSchema } from './request-schemas.js';

/** The document's error side: which codes a route can answer with, their response bodies and examples, and the shared headers. */

export const ref = (kind: 'schemas', name: string): JsonSchema => ({ $ref: `#/components/${kind}/${name}` });

export const HEADERS: Record<string, { description: string; schema: JsonSchema }> = {
  Location: { description: 'URL of the created resource.', schema: { type: 'string', format: 'uri-reference', example: '/api/comments/0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10' } },
  'WWW-Authenticate': {
    description: 'RFC 6750 Bearer challenge; `error="invalid_token"` when the access token was rejected.',
    schema: { type: 'string', example: 'Bearer realm="newsroom", error="invalid_token", error_description="The access token has expired"' },
  },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'string', pattern: '^[0-9]+$', example: '42' } },
  'RateLimit-Policy': {
    description: 'The quota policies of this route (IETF draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds. Sent when rate limiting is on.',
    schema: { type: 'string', example: '"login-ip";q=10;w=60, "login-account";q=5;w=60' },
  },
  RateLimit: {
    description: 'What is left of each policy: `r` requests remaining, `t` seconds until the window resets. Sent when rate limiting is on.',
    schema: { type: 'string', example: '"login-ip";r=9;t=60, "login-account";r=4;t=60' },
  },
  ETag: { description: 'Strong validator of this representation; send it back in If-None-Match.', schema: { type: 'string', pattern: '^"[A-Za-z0-9_-]+"$', example: '"k3Jd8w2mQn0aZr5tYb1xVc"' } },
  'Cache-Control': { description: 'How long browsers and CDNs may reuse the response.', schema: { type: 'string', example: 'public, max-age=5, stale-while-revalidate=30, stale-if-error=600' } },
  Allow: { description: 'The methods this path supports.', schema: { type: 'string', example: 'GET, HEAD' } },
};

/** Inline, not a $ref: whether a header is required differs per response (RateLimit: always on a 429, only when enabled otherwise). */
export const header = (name: keyof typeof HEADERS, required: boolean): HeaderObject => ({ ...HEADERS[name], required });

export const ERROR_DETAIL: JsonSchema = {
  type: 'object',
  required: ['message'],
  properties: { field: { type: 'string', example: 'body' }, message: { type: 'string', example: 'body must not be empty' } },
};

/**
 * The shared error body (components.schemas.ErrorResponse). Open to new fields (no additionalProperties: false):
 * adding one to every error body must not break clients.
 */
export const ERROR_RESPONSE: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: ref('schemas', 'ErrorCode'),
        message: { type: 'string', description: 'For people; may change. Branch on `code`.' },
        details: { type: 'array', items: ref('schemas', 'ErrorDetail') },
      },
    },
  },
};

/** The shared error body, narrowed to the codes one response can carry. */
function errorSchema(codes: readonly ErrorCode[]): JsonSchema {
  return {
    allOf: [
      ref('schemas', 'ErrorResponse'),
      // Lists every field again (not only `code`): example validators treat each allOf part as closed.
      {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code'],
            properties: { code: { type: 'string', enum: [...codes] }, message: { type: 'string' }, details: { type: 'array', items: ref('schemas', 'ErrorDetail') } },
          },
        },
      },
    ],
  };
}

function errorExample(code: ErrorCode) {
  const error: Record<string, unknown> = { code, message: ERROR_CATALOG[code].description.replace(/`/g, '') };
  if (code === 'VALIDATION_FAILED') error.details = [{ field: 'body', message: 'body must not be empty' }];
  return { error };
}

export function errorResponse(status: number, codes: ErrorCode[], rateLimited: boolean): ResponseObject {
  const headers: Record<string, HeaderObject> = {};
  if (status === 401) headers['WWW-Authenticate'] = header('WWW-Authenticate', true);
  if (status === 403 && codes.includes('FORBIDDEN')) headers['WWW-Authenticate'] = header('WWW-Authenticate', false);
  if (status === 429 || status === 503) headers['Retry-After'] = header('Retry-After', true);
  // Required on a 429 whose only code is RATE_LIMITED (TOO_MANY_STREAMS counts open streams, not a windowed quota).
  const quota = status === 429 && codes.every((c) => c === 'RATE_LIMITED');
  if (status === 429 || rateLimited) Object.assign(headers, { 'RateLimit-Policy': header('RateLimit-Policy', quota), RateLimit: header('RateLimit', quota) });
  headers['Cache-Control'] = header('Cache-Control', true);
  return {
    description: codes.map((c) => `\`${c}\`: ${ERROR_CATALOG[c].description}`).join('\n\n'),
    headers,
    content: {
      'application/json': {
        schema: errorSchema(codes),
        examples: Object.fromEntries(codes.map((c) => [c, { summary: c, value: errorExample(c) }])),
      },
    },
  };
}

/** The codes a route can answer with: its own, plus those its guards, parameters and body make possible. */
export function possibleErrors(ep: DiscoveredEndpoint, op: OperationObject, method: string): ErrorCode[] {
  const codes = new Set<ErrorCode>(ep.meta.errors ?? []);
  if (!ep.isPublic) for (const c of ['UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED'] as const) codes.add(c);
  if (!ep.isPublic && !ep.allowBanned) codes.add('USER_BANNED');
  if (ep.roles.length) codes.add('FORBIDDEN');
  if (ep.rateLimits.length) codes.add('RATE_LIMITED');
  const params = (op.parameters ?? []) as ParameterObject[];
  if (params.length || op.requestBody) codes.add('VALIDATION_FAILED');
  if (params.some((p) => p.name === 'cursor')) codes.add('INVALID_CURSOR');
  // The router refuses a malformed or over-long path parameter before the route runs.
  if (params.some((p) => p.in === 'path')) for (const c of ['BAD_REQUEST', 'URI_TOO_LONG'] as const) codes.add(c);
  // Fastify parses a body sent with any of these methods, documented or not.
  if (['post', 'put', 'patch', 'delete'].includes(method)) for (const c of ['BAD_REQUEST', 'INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) codes.add(c);
  // Text that reaches a query but PostgreSQL cannot store (NUL).
  if (op.requestBody || params.some((p) => p.in === 'query')) codes.add('INVALID_TEXT');
  if (!ep.meta.noDatabase) for (const c of ['INTERNAL_ERROR', 'DATABASE_UNAVAILABLE'] as const) codes.add(c);
  // Every route: a request that arrives while the instance drains for a stop (app.factory.ts), besides overload.
  codes.add('SERVICE_UNAVAILABLE');
  return ERROR_CODES.filter((c) => codes.has(c)); // catalog order: stable documents
}
