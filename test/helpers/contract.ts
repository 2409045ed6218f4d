import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../src/common/openapi/document.js';
import { ERROR_CATALOG, isErrorCode } from '../../src/common/errors/error-codes.js';

/**
 * The contract check: every response the e2e suite receives is validated against the OpenAPI document, whatever
 * sent the request (supertest, the typed client, raw node:http). It sits in front of the application's HTTP
 * server like a validation proxy and checks
 *   - the status is one the operation lists (a path that exists with other methods must answer 405),
 *   - the JSON body matches that response's schema (empty for 204/304/HEAD),
 *   - every header the document marks as required is present,
 *   - every error body carries a catalog code whose catalog status is the response's status.
 * Mismatches are collected; setup-env.ts fails the test that received them.
 */

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  op: OperationObject;
}

interface Contract {
  document: OpenAPIObject;
  operations: Operation[];
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction>;
}

const violations: string[] = [];
let contract: Contract | undefined;

/** Violations recorded since the last call (and forgets them). */
export function takeContractViolations(): string[] {
  return violations.splice(0);
}

/** The live document, built once per test worker. */
export function contractDocument(app: NestFastifyApplication): OpenAPIObject {
  return loadContract(app).document;
}

function loadContract(app: NestFastifyApplication): Contract {
  if (contract) return contract;
  const document = buildOpenApiDocument(app);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' } as object);
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const params = (template.match(/\{/g) ?? []).length;
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`);
      operations.push({ method: method.toUpperCase(), template, pattern, params, op });
    }
  }
  // Static segments win over parameters (GET /api/comments/counts is not GET /api/comments/{commentId}).
  operations.sort((a, b) => a.params - b.params);
  contract = { document, operations, ajv, validators: new Map() };
  return contract;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function validatorFor(c: Contract, ref: string): ValidateFunction {
  let v = c.validators.get(ref);
  if (!v) {
    v = c.ajv.getSchema(`openapi.json#/${ref}`);
    if (!v) throw new Error(`no schema at ${ref}`);
    c.validators.set(ref, v);
  }
  return v;
}

function check(c: Contract, method: string, url: string, status: number, headers: OutgoingHttpHeaders, body: Buffer): string[] {
  const path = url.split('?')[0]!;
  // Only the API has a contract: the pages (/, /articles/…, /admin) and their files (/embed/v1/…) are HTML, JS, CSS.
  if (!path.startsWith('/api/') || /^\/api\/docs(?:$|[/-])/.test(path) || method === 'OPTIONS') return [];
  const what = `${method} ${path} → ${status}`;
  const problems: string[] = [];
  const header = (name: string) => headers[name.toLowerCase()];
  const type = String(header('content-type') ?? '');
  const lookup = method === 'HEAD' ? 'GET' : method;
  const candidates = c.operations.filter((o) => o.pattern.test(path));
  const found = candidates.find((o) => o.method === lookup);
  const documented = found?.op.responses[String(status)] as ResponseObject | undefined;
  // A documented non-JSON response (e.g. text/event-stream): check the status and the content type, not the body.
  const mediaTypes = Object.keys(documented?.content ?? {});
  if (type && !type.startsWith('application/json') && mediaTypes.some((m) => m !== 'application/json' && type.startsWith(m))) return [];
  let json: unknown;
  if (body.length) {
    if (!type.startsWith('application/json'))
      return [`${what}: body of type "${type}", the document says ${mediaTypes.join(', ') || 'no body'}`];
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return [`${what}: body is not JSON`];
    }
  }
  const error = (json as { error?: { code?: unknown } } | undefined)?.error;
  // Error statuses carry the error body, except where the operation documents its own (readiness: 503 + health report).
  const ownBody = found && !JSON.stringify(found.op.responses[String(status)] ?? {}).includes('ErrorResponse');
  if (status >= 400 && !(ownBody && found.op.responses[String(status)])) {
    if (!error || !isErrorCode(error.code))
      problems.push(`${what}: error body without a catalog code: ${body.toString('utf8').slice(0, 200)}`);
    else if (ERROR_CATALOG[error.code].status !== status)
      problems.push(`${what}: code ${error.code} belongs to status ${ERROR_CATALOG[error.code].status}`);
  }
  // A more specific path of the same shape (`/api/comments/counts` beside `/api/comments/{commentId}`) has other methods:
  // the URL is that path's, whose parameter the operation found would refuse anyway.
  const allowed = status === 405 && error?.code === 'METHOD_NOT_ALLOWED' && header('allow') !== undefined;
  if (found && allowed && candidates.some((o) => o.params < found.params)) return problems;
  if (!found) {
    // Not an operation: only the router's answers are possible.
    const code = typeof error?.code === 'string' ? error.code : '';
    if (candidates.length && !(status === 405 && code === 'METHOD_NOT_ALLOWED' && header('allow')))
      problems.push(`${what}: the path has ${candidates.map((o) => o.method).join(', ')}; expected 405 METHOD_NOT_ALLOWED with Allow`);
    if (!candidates.length && status < 400) problems.push(`${what}: no operation in the document matches`);
    return problems;
  }
  const response = documented;
  if (!response)
    return [
      ...problems,
      `${what}: status not documented for ${found.method} ${found.template} (documented: ${Object.keys(found.op.responses).join(', ')})`,
    ];
  for (const [name, h] of Object.entries(response.headers ?? {})) {
    if ((h as { required?: boolean }).required && header(name) === undefined)
      problems.push(`${what}: documented header ${name} is missing`);
  }
  const media = response.content?.['application/json'];
  if (!media) {
    if (body.length) problems.push(`${what}: the document says no body, got ${body.length} bytes`);
    return problems;
  }
  if (method === 'HEAD') return problems;
  if (!body.length) return [...problems, `${what}: empty body, the document describes one`];
  // The schema narrows `error.code` to the codes this operation documents for this status.
  const validate = validatorFor(
    c,
    pointer('paths', found.template, found.method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema'),
  );
  if (!validate(json)) {
    problems.push(
      `${what}: body does not match the schema: ${c.ajv.errorsText(validate.errors, { separator: '; ' })}\n    body: ${body.toString('utf8').slice(0, 300)}`,
    );
  }
  return problems;
}

/** Puts the contract check in front of the app's HTTP server (before Fastify sees the request). */
export function installContractCheck(app: NestFastifyApplication): void {
  const c = loadContract(app);
  const server = app.getHttpServer() as Server;
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let headers: OutgoingHttpHeaders = {};
    const { writeHead, write, end } = res;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk && typeof chunk !== 'function')
        chunks.push(
          Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
        );
    };
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      const extra = args.find((a) => a && typeof a === 'object' && !Array.isArray(a)) as OutgoingHttpHeaders | undefined;
      headers = { ...Object.fromEntries(Object.entries(extra ?? {}).map(([k, v]) => [k.toLowerCase(), v])) };
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      const all = { ...Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k.toLowerCase(), v])), ...headers };
      for (const p of check(c, req.method ?? 'GET', req.url ?? '/', res.statusCode, all, Buffer.concat(chunks))) violations.push(p);
      return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    } as ServerResponse['end'];
  });
}

/** One response through the check, for tests of the check itself (the contract must already be loaded). */
export function checkResponse(method: string, url: string, status: number, headers: OutgoingHttpHeaders, body: Buffer): string[] {
  if (!contract) throw new Error('start a test app first');
  return check(contract, method, url, status, headers, body);
}
