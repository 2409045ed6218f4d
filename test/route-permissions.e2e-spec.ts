import { readFileSync } from 'node:fs';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, ROLES_KEY } from '../src/common/auth/decorators.js';
import { Role } from '../src/generated/prisma/enums.js';
import { startTestApp, type TestApp } from './helpers/app.js';

/**
 * Permission snapshot: every route Nest registers, with who may call it, must match test/route-permissions.json.
 * Markings: "public" (@Public), "authenticated" (the global JWT guard's default), or the @Roles list in
 * reader,moderator,admin order. Adding or changing a route means editing the table, in review, on purpose.
 */
const TABLE_FILE = new URL('./route-permissions.json', import.meta.url);
const ROLE_ORDER = Object.values(Role);
/** Swagger UI and the OpenAPI document are registered by @nestjs/swagger straight on Fastify, not by controllers. */
const isDocsPath = (path: string) => /^\/api\/docs(?:$|[/*-])/.test(path);

interface RouteInfo {
  key: string; // "GET /api/articles/:slug"
  method: string;
  path: string;
  marking: string;
  isPublic: boolean;
  roles: Role[];
}

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;
const asArray = (v: string | string[] | undefined) => (v === undefined ? [''] : Array.isArray(v) ? v : [v]);

/** Controllers' handlers with their routes and the metadata the global guards read (same Reflector calls). */
function nestRoutes(t: TestApp): RouteInfo[] {
  const reflector = t.app.get(Reflector);
  const discovery = new DiscoveryService(t.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const handlerPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (handlerPath === undefined) continue; // a helper method, not a route
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
      const method = RequestMethod[requestMethod];
      const publicMark = reflector.getAllAndOverride<boolean | 'anonymous' | undefined>(IS_PUBLIC_KEY, [handler, controller]);
      const isPublic = publicMark === true || publicMark === 'anonymous';
      const roles = [...(reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [handler, controller]) ?? [])].sort(
        (a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b),
      );
      const marking = roles.length ? roles.join(',') : isPublic ? 'public' : 'authenticated';
      for (const base of asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined)) {
        for (const sub of asArray(handlerPath)) {
          const path = joinPath('api', base, sub);
          routes.push({ key: `${method} ${path}`, method, path, marking, isPublic, roles });
        }
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/** Fastify's own route table (printRoutes tree), to catch routes registered outside Nest's controllers. */
function fastifyRoutes(t: TestApp): string[] {
  const tree = t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of m[3]?.split(', ') ?? []) out.push(`${method} ${path}`);
  }
  return out;
}

describe('route permissions snapshot', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  beforeAll(async () => {
    t = await startTestApp();
    routes = nestRoutes(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should find the routes (sanity check of the enumeration)', () => {
    expect(routes.length).toBeGreaterThan(5);
    expect(routes.map((r) => r.key)).toEqual(expect.arrayContaining(['POST /api/auth/login', 'GET /api/auth/me', 'PATCH /api/admin/users/:id']));
  });

  it('should match test/route-permissions.json exactly', () => {
    const table = JSON.parse(readFileSync(TABLE_FILE, 'utf8')) as Record<string, string>;
    const actual = new Map(routes.map((r) => [r.key, r.marking]));
    const problems: string[] = [];
    for (const [key, marking] of actual) {
      if (!(key in table)) problems.push(`new route, not in the table (add it after checking who may call it):  "${key}": "${marking}",`);
      else if (table[key] !== marking) problems.push(`"${key}": the table says "${table[key]}" but the code says "${marking}"`);
    }
    for (const key of Object.keys(table)) if (!actual.has(key)) problems.push(`"${key}" is in the table but no such route exists (removed or renamed?)`);
    if (problems.length) expect.fail(`Route permissions differ from test/route-permissions.json:\n  ${problems.join('\n  ')}`);
    expect(Object.keys(table)).toEqual([...Object.keys(table)].sort()); // keep the table sorted for reviewable diffs
  });

  it('should restrict every /api/admin route to moderators or admins', () => {
    const loose = routes.filter((r) => r.path.startsWith('/api/admin') && (!r.roles.length || r.roles.includes('reader')));
    expect(loose.map((r) => `${r.key} (${r.marking})`)).toEqual([]);
  });

  it('should not mark a route both @Public() and @Roles() (contradictory: the roles would still apply)', () => {
    expect(routes.filter((r) => r.isPublic && r.roles.length).map((r) => r.key)).toEqual([]);
  });

  it('should have every route served by a Nest controller (no raw Fastify routes that skip the guards)', () => {
    const fastify = t.app.getHttpAdapter().getInstance();
    for (const r of routes) expect(fastify.hasRoute({ method: r.method as 'GET', url: r.path }), r.key).toBe(true);
    const known = new Set(routes.map((r) => r.key));
    const stray = fastifyRoutes(t).filter((key) => {
      const [method, path] = key.split(' ') as [string, string];
      if (isDocsPath(path) || (method === 'OPTIONS' && path === '*')) return false; // Swagger; CORS preflight
      if (method === 'HEAD' && known.has(`GET ${path}`)) return false; // Fastify adds HEAD to every GET
      return !known.has(key);
    });
    expect(stray).toEqual([]);
  });
});
