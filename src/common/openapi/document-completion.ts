import type { OpenAPIObject, OperationObject, ParameterObject, RequestBodyObject, ResponseObject, HeaderObject } from '@nestjs/swagger';
import { ERROR_CATALOG, ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { cacheControl } from '../http-cache.js';
import { SLUG_PATTERN } from '../validation/slug.js';
import type { DiscoveredEndpoint, DtoParam } from './endpoint-discovery.js';
import { ERROR_DETAIL, ERROR_RESPONSE, errorResponse, header, possibleErrors } from './error-responses.js';
import { exampleOf } from './examples.js';
import { type DtoClass, exactlyOneOf, type JsonSchema, validationRules } from './request-schemas.js';

/**
 * Completes what @nestjs/swagger generates: security and x-allow-banned per route, every possible error response,
 * cache and rate-limit headers, parameters and bodies constrained exactly as validation checks them, and examples.
 */

export function completeDocument(document: OpenAPIObject, endpoints: Map<string, DiscoveredEndpoint>): void {
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
      dedupeHeaders(op);
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
    const params = (op.parameters ??= []) as ParameterObject[];
    if (!params.some((p) => p.in === 'header' && p.name === 'If-None-Match')) {
      params.push({
        name: 'If-None-Match',
        in: 'header',
        required: false,
        description: 'The ETag of the copy you hold (or `*`): 304 without a body when it is still current.',
        schema: { type: 'string', example: '"k3Jd8w2mQn0aZr5tYb1xVc"' },
      });
    }
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

/**
 * One parameter per header: a handler reading `@Headers('notice-key')` and its `@ApiHeader({ name: 'Notice-Key' })`
 * would otherwise be two (header names are case-insensitive), one of them required. The documented one stays.
 */
function dedupeHeaders(op: OperationObject): void {
  const params = (op.parameters ?? []) as ParameterObject[];
  const headers = params.filter((p) => p.in === 'header');
  op.parameters = params.filter(
    (p) => p.in !== 'header' || p.name !== p.name.toLowerCase() || !headers.some((q) => q !== p && q.name.toLowerCase() === p.name),
  );
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
  const exactlyOne = exactlyOneOf(dto);
  if (exactlyOne) schema.oneOf = exactlyOne.map((property) => ({ required: [property] }));
}
