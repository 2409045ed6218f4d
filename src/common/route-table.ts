import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from './errors/app-error.js';
import type { DiscoveredEndpoint } from './openapi/endpoint-discovery.js';
import { type DtoClass, validationRules } from './openapi/request-schemas.js';
import { isSlug } from './validation/slug.js';

/**
 * The rules every route shares, computed from the registered routes instead of written per route, and applied in one
 * onRequest hook before anything else runs (authentication included):
 *
 * - **405 with the path's own `Allow`** (RFC 9110 §15.5.6). A URL belongs to the routes whose pattern matches it
 *   *and* whose path parameters are valid: `/api/comments/counts` is the counts route's, not `/api/comments/:commentId`'s
 *   (`counts` is no uuid), so `DELETE /api/comments/counts` is 405, not the 401 of the comment route the router
 *   picked; `/api/articles/resolve` is both the resolve action's (POST) and an article's whose slug is `resolve` (GET).
 * - **Unknown query parameters are refused** (400 `VALIDATION_FAILED`) on every API operation, whether or not it has
 *   a query DTO: the parameters an operation accepts are those it validates. The HTML pages (no rule) accept any.
 * - **A plain OPTIONS** (no CORS preflight: no `Origin` or no `Access-Control-Request-Method`) answers 204 with
 *   `Allow`, or 404 in the error body, never CORS's `text/plain` 400.
 */
export interface RouteRule {
  /** Whether path parameters name something this route can serve (a uuid for `:commentId`, a slug for `:slug`). */
  params?: (params: Record<string, string>) => boolean;
  /** The query parameters the route accepts; absent: the route takes any (pages). */
  query?: ReadonlySet<string>;
  /** False: the operation takes no request body, and refuses one before it is read (so never 413/415 for it). */
  body?: boolean;
}

interface Route {
  method: string;
  url: string;
  segments: string[];
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

const errorBody = (
  code: 'METHOD_NOT_ALLOWED' | 'ROUTE_NOT_FOUND' | 'VALIDATION_FAILED',
  message: string,
  details?: ErrorBody['error']['details'],
): ErrorBody => ({
  error: details ? { code, message, details } : { code, message },
});

function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}

/** Path parameters of `url` if the pattern matches it (`:name` one segment, a trailing `*` the rest), else null. */
function match(route: Route, url: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i];
    if (seg === '*') {
      params['*'] = url.slice(i).join('/');
      return params;
    }
    const part = url[i];
    if (part === undefined) return null;
    if (seg.startsWith(':')) {
      if (part === '') return null;
      try {
        params[seg.slice(1)] = decodeURIComponent(part);
      } catch {
        return null;
      }
    } else if (seg !== part) return null;
  }
  return url.length === route.segments.length ? params : null;
}

/** Two patterns that some URL matches both (segment by segment: equal, or a parameter on either side). */
function overlap(a: Route, b: Route): boolean {
  if (a.segments.includes('*') || b.segments.includes('*')) return false;
  if (a.segments.length !== b.segments.length) return false;
  return a.segments.every((s, i) => s === b.segments[i] || s.startsWith(':') || b.segments[i].startsWith(':'));
}

export class RouteTable {
  private readonly routes: Route[] = [];
  private rules = new Map<string, RouteRule>();
  /** Routes (by `METHOD url`) that share some URL with a route of another pattern: only these need the full check. */
  private shared = new Set<string>();
  private ready = false;

  constructor(private readonly loadRules: () => Map<string, RouteRule>) {}

  /** Collects routes as they are registered; call before any route is. */
  static install(fastify: FastifyInstance, loadRules: () => Map<string, RouteRule>): RouteTable {
    const table = new RouteTable(loadRules);
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        table.routes.push({ method, url: route.url ?? route.path, segments: splitPath(route.url ?? route.path) });
      }
    });
    return table;
  }

  /** The rules; after CORS's hook, so that browsers can read these answers too. */
  enforce(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (req, reply, done) => {
      if (this.check(req, reply)) done();
    });
  }

  private init(): void {
    this.rules = this.loadRules();
    for (const a of this.routes) {
      if (this.routes.some((b) => b.url !== a.url && overlap(a, b))) this.shared.add(`${a.method} ${a.url}`);
    }
    this.ready = true;
  }

  /** The methods the URL's own resources have, in the usual order (HEAD with GET). */
  allowedMethods(path: string): string[] {
    const url = splitPath(path);
    const valid = new Set<string>();
    const any = new Set<string>();
    for (const route of this.routes) {
      const params = match(route, url);
      if (!params) continue;
      any.add(route.method);
      const rule = this.rules.get(`${route.method} ${route.url}`);
      if (!rule?.params || rule.params(params)) valid.add(route.method);
    }
    // No resource with valid parameters: the path's shape still tells which methods it has (the route's own
    // validation then answers 400 for the parameter).
    const methods = valid.size ? valid : any;
    if (methods.has('GET')) methods.add('HEAD');
    return METHOD_ORDER.filter((m) => methods.has(m));
  }

  /** False when it answered the request itself. */
  private check(req: FastifyRequest, reply: FastifyReply): boolean {
    if (!this.ready) this.init();
    const path = req.url.split('?', 1)[0];
    const pattern = req.routeOptions.url;
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (req.method === 'OPTIONS') {
      // A CORS preflight reaches this only with CORS off (the 404 handler answers); a plain OPTIONS gets the path's methods.
      if (req.headers.origin && req.headers['access-control-request-method']) return true;
      const allow = this.allowedMethods(path);
      if (!allow.length) return this.refuse(reply, 404, errorBody('ROUTE_NOT_FOUND', 'No route matches this method and path'));
      void reply.code(204).header('allow', allow.join(', ')).header('cache-control', 'no-store').send();
      return false;
    }
    if (pattern === undefined) {
      // No route for this method: 405 if the path has other methods (the 404 handler answers otherwise).
      const allow = this.allowedMethods(path);
      return allow.length ? this.notAllowed(req, reply, allow) : true;
    }
    const key = `${method} ${pattern}`;
    const rule = this.rules.get(key);
    if (this.shared.has(key) && rule?.params && !rule.params(req.params as Record<string, string>)) {
      // The router picked this route for its shape, but its parameters name nothing it serves: the URL may be
      // another route's (`/api/comments/counts` for PATCH /api/comments/:commentId).
      const allow = this.allowedMethods(path);
      if (allow.length && !allow.includes(req.method)) return this.notAllowed(req, reply, allow);
    }
    if (rule?.body === false) {
      if (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0) {
        return this.refuse(
          reply,
          400,
          errorBody('VALIDATION_FAILED', 'Request validation failed', [{ field: 'body', message: 'this operation takes no body' }]),
        );
      }
      // No body: nothing to parse, whatever Content-Type a client sends along (an empty "JSON" body is no error here).
      delete req.headers['content-type'];
    }
    if (rule?.query) {
      const unknown = Object.keys(req.query as object).filter((k) => !rule.query!.has(k));
      if (unknown.length) {
        const details = unknown.map((field) => ({ field, message: `property ${field} should not exist` }));
        return this.refuse(reply, 400, errorBody('VALIDATION_FAILED', 'Request validation failed', details));
      }
    }
    return true;
  }

  private notAllowed(req: FastifyRequest, reply: FastifyReply, allow: string[]): false {
    void reply.header('allow', allow.join(', '));
    return this.refuse(reply, 405, errorBody('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allow.join(', ')}`));
  }

  private refuse(reply: FastifyReply, status: number, body: ErrorBody): false {
    void reply.code(status).header('cache-control', 'no-store').send(body);
    return false;
  }
}

/** Each API route's rule, keyed `METHOD /prefix/path` as the router knows it: its validated path and query parameters. */
export function routeRules(endpoints: Iterable<DiscoveredEndpoint>, prefix: string): Map<string, RouteRule> {
  const rules = new Map<string, RouteRule>();
  for (const ep of endpoints) {
    const checks: ((params: Record<string, string>) => boolean)[] = [];
    const query = new Set<string>();
    for (const p of ep.params) {
      if (p.kind === 'query') {
        if (p.type === String && p.name) query.add(p.name);
        else for (const name of validationRules(p.type)) query.add(name[0]);
      } else if (p.kind === 'param') {
        if (p.type === String) {
          if (p.name === 'slug') checks.push((params) => isSlug(params.slug ?? ''));
        } else {
          const dto = p.type as DtoClass & (new () => object);
          checks.push((params) => validateSync(plainToInstance(dto, params)).length === 0);
        }
      }
    }
    rules.set(`${ep.method} /${[prefix, ep.path].filter(Boolean).join('/')}`, {
      query,
      body: ep.params.some((p) => p.kind === 'body') || ep.meta.upload !== undefined,
      params: checks.length ? (params) => checks.every((check) => check(params)) : undefined,
    });
  }
  return rules;
}
