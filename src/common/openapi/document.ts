import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { HeaderObject, OperationObject, ParameterObject, RequestBodyObject, ResponseObject } from '@nestjs/swagger';
import { SLUG_PATTERN } from '../validation/slug.js';
import { ALLOW_BANNED_KEY, IS_PUBLIC_KEY, ROLES_KEY } from '../auth/decorators.js';
import { ERROR_CATALOG, ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { cacheControl } from '../http-cache.js';
import { RATE_LIMIT_KEY, type RateLimitRule } from '../rate-limit/rate-limit.decorator.js';
import { ENDPOINT_KEY, type EndpointMetadata } from './endpoint.decorator.js';
import { exampleOf } from './examples.js';
import { type JsonSchema, validationRules, type DtoClass } from './request-schemas.js';

export const API_VERSION = '0.2.0';

const TAGS: [string, string][] = [
  ['articles', 'Published articles (public reads; creation under admin).'],
  ['comments', 'Reading, posting, editing, deleting and reporting comments; comment counts for article and listing pages.'],
  ['auth', 'Accounts and sessions: register, sign in, rotate and revoke refresh tokens.'],
  ['admin', 'Moderation queue and decisions, bans, word filters, article comment settings, roles, the audit log, appeals and transparency reports. Moderators and admins.'],
  ['dsa', 'Digital Services Act: notices of illegal content (Art. 16), the statements of reasons you received (Art. 17) and appeals against them (Art. 20).'],
  ['health', 'Liveness and readiness probes.'],
];

const DESCRIPTION = `Articles, readers, moderated comments and exact comment counts.

- **Errors** always have the body \`{ "error": { "code", "message", "details"? } }\`. Each operation lists the
  codes it can answer with; \`x-error-codes\` (and the \`ErrorCode\` schema) is the full catalog.
- **Authentication**: \`Authorization: Bearer <accessToken>\` from register/login/refresh. Routes with
  \`security: []\` are public. A 401 carries \`WWW-Authenticate: Bearer\` (with \`error="invalid_token"\` when the
  token itself was rejected).
- **Banned (suspended) accounts** sign in as usual (\`user.ban\` is set), but every operation that needs a token
  answers them 403 \`USER_BANNED\` unless it is marked \`x-allow-banned: true\`: their account, the decisions about it
  and appeals against them (DSA Art. 17, 20), the export and erasure of their data (GDPR Art. 15, 17, 20), their own
  reports. Public operations with that mark still recognise them (their own pending comments, their notices); on
  the other public operations a banned account's token is ignored, as if none had been sent.
- **Caching**: public reads carry \`ETag\` and \`Cache-Control\`; send \`If-None-Match\` to get 304. Responses to
  signed-in callers, token responses and every admin response are \`Cache-Control: no-store\`.
- **Rate limits**: limited routes send \`RateLimit-Policy\` and \`RateLimit\` (IETF draft) on every response,
  and \`Retry-After\` with 429.
- **Pagination**: \`limit\` (1-100) and the opaque \`cursor\` from the previous page's \`nextCursor\` (null on the last page).
- Unknown body fields and unknown query parameters are rejected with 400 \`VALIDATION_FAILED\`.`;

/** The OpenAPI 3.1 document of the running application, completed from the routes' metadata (see Endpoint). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Newsroom comments API')
    .setDescription(DESCRIPTION)
    .setVersion(API_VERSION)
    .addServer('{origin}', 'Your deployment', { origin: { default: 'http://localhost:3000', description: 'scheme, host and port of the service' } })
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken from register, login or refresh (15 minutes).' }, 'bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  completeDocument(document, discoverEndpoints(app));
  return document;
}

interface DtoParam {
  kind: 'body' | 'query' | 'param';
  type: DtoClass;
  /** @Param('slug') names one parameter; a DTO covers all of its properties. */
  name?: string;
}

interface DiscoveredEndpoint {
  key: string;
  meta: EndpointMetadata;
  isPublic: boolean;
  /** @AllowBanned() on a route without @Roles() (JwtAuthGuard's rule). */
  allowBanned: boolean;
  roles: string[];
  rateLimits: RateLimitRule[];
  params: DtoParam[];
}

const ARG_KINDS: Partial<Record<number, DtoParam['kind']>> = {
  [RouteParamtypes.BODY]: 'body',
  [RouteParamtypes.QUERY]: 'query',
  [RouteParamtypes.PARAM]: 'param',
};

/** Every controller route with the metadata the global guards read (the same Reflector calls), by operationId. */
function discoverEndpoints(app: INestApplication): Map<string, DiscoveredEndpoint> {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const found = new Map<string, DiscoveredEndpoint>();
  for (const wrapper of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const key = `${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod]} ${controller.name}.${name}`;
      const meta = reflector.get<EndpointMetadata | undefined>(ENDPOINT_KEY, handler);
      if (!meta) throw new Error(`${key}: every route needs @Endpoint({ operationId, summary, ... }) (see README, "Adding a route")`);
      if (found.has(meta.operationId)) throw new Error(`${key}: operationId "${meta.operationId}" is used twice`);
      const publicMark = reflector.getAllAndOverride<boolean | 'anonymous' | undefined>(IS_PUBLIC_KEY, [handler, controller]);
      const paramTypes = (Reflect.getMetadata('design:paramtypes', prototype, name) as DtoClass[] | undefined) ?? [];
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) as Record<string, { index: number; data?: unknown }> | undefined) ?? {};
      const params: DtoParam[] = [];
      for (const [argKey, arg] of Object.entries(args)) {
        const kind = ARG_KINDS[Number(argKey.split(':')[0])];
        const type = paramTypes[arg.index];
        if (kind && type) params.push({ kind, type, name: typeof arg.data === 'string' ? arg.data : undefined });
      }
      const roles = reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [handler, controller]) ?? [];
      found.set(meta.operationId, {
        key,
        meta,
        isPublic: publicMark === true || publicMark === 'anonymous',
        allowBanned: reflector.getAllAndOverride<boolean | undefined>(ALLOW_BANNED_KEY, [handler, controller]) === true && !roles.length,
        roles,
        rateLimits: reflector.getAllAndOverride<RateLimitRule[] | undefined>(RATE_LIMIT_KEY, [handler, controller]) ?? [],
        params,
      });
    }
  }
  return found;
}

const ref = (kind: 'schemas', name: string): JsonSchema => ({ $ref: `#/components/${kind}/${name}` });

const HEADERS: Record<string, { description: string; schema: JsonSchema }> = {
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
const header = (name: keyof typeof HEADERS, required: boolean): HeaderObject => ({ ...HEADERS[name], required });

const ERROR_DETAIL: JsonSchema = {
  type: 'object',
  required: ['message'],
  properties: { field: { type: 'string', example: 'body' }, message: { type: 'string', example: 'body must not be empty' } },
};

/**
 * The shared error body (components.schemas.ErrorResponse). Open to new fields (no additionalProperties: false):
 * adding one to every error body must not break clients.
 */
const ERROR_RESPONSE: JsonSchema = {
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

function errorResponse(status: number, codes: ErrorCode[], rateLimited: boolean): ResponseObject {
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
function possibleErrors(ep: DiscoveredEndpoint, op: OperationObject, method: string): ErrorCode[] {
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
  if (!ep.meta.noDatabase) for (const c of ['INTERNAL_ERROR', 'DATABASE_UNAVAILABLE', 'SERVICE_UNAVAILABLE'] as const) codes.add(c);
  return ERROR_CODES.filter((c) => codes.has(c)); // catalog order: stable documents
}

function completeDocument(document: OpenAPIObject, endpoints: Map<string, DiscoveredEndpoint>): void {
  const components = (document.components ??= {});
  const schemas = (components.schemas ??= {}) as Record<string, JsonSchema>;
  schemas.ErrorCode = {
    type: 'string',
    enum: [...ERROR_CODES],
    description: `Every error code the service answers with:\n\n| code | status | meaning |\n| --- | --- | --- |\n${ERROR_CODES.map((c) => `| \`${c}\` | ${ERROR_CATALOG[c].status} | ${ERROR_CATALOG[c].description.replace(/\|/g, '\\|')} |`).join('\n')}`,
  };
  schemas.ErrorDetail = ERROR_DETAIL;
  schemas.ErrorResponse = ERROR_RESPONSE;
  (document as OpenAPIObject & { 'x-error-codes': unknown })['x-error-codes'] = Object.fromEntries(ERROR_CODES.map((c) => [c, { ...ERROR_CATALOG[c] }]));

  const seen = new Set<string>();
  const requestSchemas = new Map<string, DtoClass>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const ep = endpoints.get(op.operationId ?? '');
      if (!ep) throw new Error(`${method.toUpperCase()} ${path}: no @Endpoint (operationId "${op.operationId}")`);
      seen.add(ep.meta.operationId);
      op.security = ep.isPublic ? [] : [{ bearer: [] }];
      if (ep.allowBanned) (op as OperationObject & { 'x-allow-banned'?: boolean })['x-allow-banned'] = true;
      for (const p of ep.params) {
        if (p.kind === 'body') requestSchemas.set(p.type.name, p.type);
        else constrainParameters(op, p);
      }
      completeResponses(document, op, ep, method);
    }
  }
  const unseen = [...endpoints.values()].filter((e) => !seen.has(e.meta.operationId));
  if (unseen.length) throw new Error(`routes missing from the document: ${unseen.map((e) => e.key).join(', ')}`);
  for (const [name, dto] of requestSchemas) constrainBody(schemas, name, dto);
  for (const item of Object.values(document.paths)) {
    for (const op of [item.get, item.post, item.put, item.patch, item.delete]) {
      const media = (op?.requestBody as RequestBodyObject | undefined)?.content['application/json'];
      if (media?.schema) media.example = exampleOf(media.schema as JsonSchema, schemas);
    }
  }
}

function completeResponses(document: OpenAPIObject, op: OperationObject, ep: DiscoveredEndpoint, method: string): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const status = String(ep.meta.status);
  const success = (op.responses[status] ??= { description: 'OK' }) as ResponseObject;
  const headers: Record<string, HeaderObject> = {};
  if (ep.meta.hasLocation) headers.Location = header('Location', true);
  if (ep.meta.cache) {
    headers.ETag = header('ETag', true);
    headers['Cache-Control'] = header('Cache-Control', true);
    success.description = `OK. Anonymous callers get \`Cache-Control: ${cacheControl(ep.meta.cache)}\`${ep.meta.cache.perViewer ? '; a signed-in caller gets `no-store` (the page includes their own pending comments)' : ''}.`;
    op.responses['304'] = { description: 'Not Modified: If-None-Match matched the current ETag (or was `*`).', headers: { ETag: header('ETag', true), 'Cache-Control': header('Cache-Control', false) } };
  } else if (ep.meta.noStore || !ep.isPublic) {
    headers['Cache-Control'] = header('Cache-Control', true);
  }
  if (ep.rateLimits.length) Object.assign(headers, { 'RateLimit-Policy': header('RateLimit-Policy', false), RateLimit: header('RateLimit', false) });
  if (Object.keys(headers).length) success.headers = { ...success.headers, ...headers };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of possibleErrors(ep, op, method)) {
    const s = ERROR_CATALOG[code].status;
    byStatus.set(s, [...(byStatus.get(s) ?? []), code]);
  }
  for (const [s, codes] of byStatus) {
    // A route may document a status with its own body (readiness answers 503 with its health report).
    if (op.responses[String(s)]) continue;
    op.responses[String(s)] = errorResponse(s, codes, ep.rateLimits.length > 0);
  }
  for (const response of Object.values(op.responses) as ResponseObject[]) {
    const media = response.content?.['application/json'];
    if (media?.schema && media.example === undefined && media.examples === undefined) media.example = exampleOf(media.schema as JsonSchema, schemas);
  }
  op.responses = Object.fromEntries(Object.entries(op.responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** Query and path parameters get exactly the rules their DTO validates (or, for a bare :slug, the slug pattern). */
function constrainParameters(op: OperationObject, p: DtoParam): void {
  const params = (op.parameters ?? []) as ParameterObject[];
  if (p.type === String) {
    const param = params.find((x) => x.name === p.name && x.in === 'path');
    if (param && p.name === 'slug') param.schema = { type: 'string', pattern: SLUG_PATTERN.source, maxLength: 120, example: 'zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia' };
    return;
  }
  for (const [property, rules] of validationRules(p.type)) {
    const param = params.find((x) => x.name === property && x.in === (p.kind === 'query' ? 'query' : 'path'));
    if (!param) throw new Error(`${op.operationId}: ${p.type.name}.${property} is validated but not documented as a ${p.kind} parameter`);
    const schema = { ...(param.schema as JsonSchema) };
    delete schema.$ref;
    rules.apply(schema);
    param.schema = schema;
    param.required = param.in === 'path' || !rules.optional;
    // ?articles=a,b,c: a comma-separated list (form style, not exploded).
    if (schema.type === 'array' && param.in === 'query') Object.assign(param, { style: 'form', explode: false });
  }
}

/** Request body schemas: validation's rules, required fields, and no unknown properties (forbidNonWhitelisted). */
function constrainBody(schemas: Record<string, JsonSchema>, name: string, dto: DtoClass): void {
  const schema = schemas[name];
  if (!schema) throw new Error(`request body ${name} is not in components.schemas`);
  if (schema.additionalProperties === false) return;
  schema.additionalProperties = false;
  const required: string[] = [];
  for (const [property, rules] of validationRules(dto)) {
    const prop = schema.properties?.[property];
    if (!prop) throw new Error(`${name}.${property} is validated but not documented (add @ApiProperty)`);
    if (rules.nested) {
      constrainBody(schemas, rules.nested.name, rules.nested);
    } else {
      for (const k of ['$ref', 'allOf']) delete prop[k];
      rules.apply(prop);
    }
    if (!rules.optional) required.push(property);
  }
  if (required.length) schema.required = required;
  else delete schema.required;
}
