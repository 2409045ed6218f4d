import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ALLOW_BANNED_KEY, IS_PUBLIC_KEY, ROLES_KEY } from '../../../src/common/auth/decorators.js';
import { ENDPOINT_KEY, type EndpointMetadata } from '../../../src/common/openapi/endpoint.decorator.js';
import { Role } from '../../../src/generated/prisma/enums.js';
import { PAGE_ROUTES } from '../../../src/web/web.routes.js';
import { SEED_SLUG, startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createUser, type TestUser } from '../../factories/index.js';

/**
 * Permission snapshot: every route Nest registers, with who may call it, must match test/e2e/contract/route-permissions.json.
 * Markings: "public" (@Public), "authenticated" (the global JWT guard's default), or the @Roles list in
 * reader,moderator,admin order. Adding or changing a route means editing the table, in review, on purpose.
 *
 * Its sibling test/e2e/contract/route-banned-access.json records what each route does with a banned (suspended) account's token:
 * "refused" (403 USER_BANNED: the default, and always on @Roles routes), "allowed" (@AllowBanned: the legal rights a
 * suspension leaves), "anonymous" (a public route: the token is ignored) or "identified" (a public @AllowBanned
 * route: the token still identifies the caller). A route that opens to banned accounts, or stops, changes the table.
 */
const TABLE_FILE = new URL('./route-permissions.json', import.meta.url);
const BANNED_TABLE_FILE = new URL('./route-banned-access.json', import.meta.url);
type BannedAccess = 'refused' | 'allowed' | 'anonymous' | 'identified';
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
  /** @AllowBanned() as written on the route (with @Roles it has no effect, and a test refuses it). */
  allowBanned: boolean;
  banned: BannedAccess;
  eventStream: boolean;
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
      const allowBanned = reflector.getAllAndOverride<boolean | undefined>(ALLOW_BANNED_KEY, [handler, controller]) === true;
      const open = allowBanned && !roles.length; // JwtAuthGuard's rule
      const banned: BannedAccess = isPublic ? (open ? 'identified' : 'anonymous') : open ? 'allowed' : 'refused';
      const eventStream = reflector.get<EndpointMetadata | undefined>(ENDPOINT_KEY, handler)?.eventStream !== undefined;
      for (const base of asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined)) {
        for (const sub of asArray(handlerPath)) {
          const path = joinPath('api', base, sub);
          routes.push({ key: `${method} ${path}`, method, path, marking, isPublic, roles, allowBanned, banned, eventStream });
        }
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/** Fastify's own route table (printRoutes tree), to catch routes registered outside Nest's controllers. */
/** A route of PAGE_ROUTES as printRoutes writes it (it may merge a `/` into the next segment). */
const isPageRoute = (path: string) => PAGE_ROUTES.some((p) => p.replace(/\//g, '') === path.replace(/\//g, ''));

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
    expect(routes.map((r) => r.key)).toEqual(
      expect.arrayContaining(['POST /api/auth/login', 'GET /api/auth/me', 'PATCH /api/admin/users/:userId']),
    );
  });

  it('should match test/e2e/contract/route-permissions.json exactly', () => {
    const table = JSON.parse(readFileSync(TABLE_FILE, 'utf8')) as Record<string, string>;
    const actual = new Map(routes.map((r) => [r.key, r.marking]));
    const problems: string[] = [];
    for (const [key, marking] of actual) {
      if (!(key in table)) problems.push(`new route, not in the table (add it after checking who may call it):  "${key}": "${marking}",`);
      else if (table[key] !== marking) problems.push(`"${key}": the table says "${table[key]}" but the code says "${marking}"`);
    }
    for (const key of Object.keys(table))
      if (!actual.has(key)) problems.push(`"${key}" is in the table but no such route exists (removed or renamed?)`);
    if (problems.length) expect.fail(`Route permissions differ from test/e2e/contract/route-permissions.json:\n  ${problems.join('\n  ')}`);
    expect(Object.keys(table)).toEqual([...Object.keys(table)].sort()); // keep the table sorted for reviewable diffs
  });

  it('should match test/e2e/contract/route-banned-access.json exactly (what a banned account may call)', () => {
    const table = JSON.parse(readFileSync(BANNED_TABLE_FILE, 'utf8')) as Record<string, BannedAccess>;
    const actual = new Map(routes.map((r) => [r.key, r.banned]));
    const problems: string[] = [];
    for (const [key, banned] of actual) {
      if (!(key in table))
        problems.push(`new route, not in the table (add it after deciding whether a banned account may call it):  "${key}": "${banned}",`);
      else if (table[key] !== banned)
        problems.push(`"${key}": the table says "${table[key]}" for a banned caller but the code says "${banned}"`);
    }
    for (const key of Object.keys(table))
      if (!actual.has(key)) problems.push(`"${key}" is in the table but no such route exists (removed or renamed?)`);
    if (problems.length) expect.fail(`Banned access differs from test/e2e/contract/route-banned-access.json:\n  ${problems.join('\n  ')}`);
    expect(Object.keys(table)).toEqual([...Object.keys(table)].sort());
  });

  it('should not mark a @Roles() route @AllowBanned() (staff powers end with a ban: the mark would be ignored)', () => {
    expect(routes.filter((r) => r.allowBanned && r.roles.length).map((r) => r.key)).toEqual([]);
  });

  it('should restrict every /api/admin route to moderators or admins', () => {
    const loose = routes.filter((r) => r.path.startsWith('/api/admin') && (!r.roles.length || r.roles.includes('reader')));
    expect(loose.map((r) => `${r.key} (${r.marking})`)).toEqual([]);
  });

  it('should not mark a route both @Public() and @Roles() (contradictory: the roles would still apply)', () => {
    expect(routes.filter((r) => r.isPublic && r.roles.length).map((r) => r.key)).toEqual([]);
  });

  describe('with a banned account’s token (the tables above, checked against the running guards)', () => {
    let reader: TestUser;
    let admin: TestUser;
    /** `METHOD /api/path/:param` of the operations that take a request body (the others refuse one, before the guards). */
    let withBody: Set<string>;
    beforeAll(async () => {
      [reader, admin] = await Promise.all([createUser(t), createUser(t, { role: 'admin' })]);
      const paths = (await t.http.get('/api/docs-json').expect(200)).body.paths as Record<
        string,
        Record<string, { requestBody?: unknown }>
      >;
      withBody = new Set(
        Object.entries(paths).flatMap(([path, item]) =>
          Object.entries(item)
            .filter(([, op]) => op.requestBody)
            .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
        ),
      );
      await t.prisma.user.updateMany({
        where: { id: { in: [reader.id, admin.id] } },
        data: { bannedAt: new Date(), banReason: 'route sweep' },
      });
    });

    const call = (r: RouteInfo, u: TestUser) => {
      const url = r.path.replace(':slug', SEED_SLUG).replace(/:[A-Za-z]+/g, () => randomUUID());
      const req = t.http[r.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](url).set('Authorization', bearer(u));
      // An unknown body field: a route that lets the caller through stops at validation (400) and changes nothing.
      return withBody.has(`${r.method} ${r.path}`) ? req.send({ sweep: true }) : req;
    };

    it('should answer 403 USER_BANNED on every "refused" route, to a banned admin as to a banned reader', async () => {
      const refused = routes.filter((r) => r.banned === 'refused');
      expect(refused.length).toBeGreaterThan(30);
      for (const r of refused) {
        for (const u of [reader, admin]) {
          const res = await call(r, u);
          expect({ route: r.key, status: res.status, code: res.body?.error?.code }).toEqual({
            route: r.key,
            status: 403,
            code: 'USER_BANNED',
          });
        }
      }
    });

    it('should let a banned caller through every other route (never 401, never USER_BANNED)', async () => {
      // Event streams never look at the token (and never end by themselves).
      for (const r of routes.filter((x) => x.banned !== 'refused' && !x.eventStream)) {
        const res = await call(r, reader);
        expect({ route: r.key, refused: res.status === 401 || res.body?.error?.code === 'USER_BANNED' }).toEqual({
          route: r.key,
          refused: false,
        });
      }
    });
  });

  it('should have every route served by a Nest controller (no raw Fastify routes that skip the guards)', () => {
    const fastify = t.app.getHttpAdapter().getInstance();
    for (const r of routes) expect(fastify.hasRoute({ method: r.method as 'GET', url: r.path }), r.key).toBe(true);
    const known = new Set(routes.map((r) => r.key));
    const stray = fastifyRoutes(t).filter((key) => {
      const [method, path] = key.split(' ') as [string, string];
      if (isDocsPath(path) || (method === 'OPTIONS' && path === '*')) return false; // Swagger; CORS preflight
      if (isPageRoute(path)) return false; // the public pages and their files (src/web/web.routes.ts)
      // With a handler on `/` itself, printRoutes drops the static prefix of a wildcard page route (`/embed/v1/*`
      // prints as `/*`): a printed path Fastify does not route, that ends a page route, is that route.
      if (!fastify.hasRoute({ method: method as 'GET', url: path }) && PAGE_ROUTES.some((p) => p !== path && p.endsWith(path)))
        return false;
      if (method === 'HEAD' && known.has(`GET ${path}`)) return false; // Fastify adds HEAD to every GET
      return !known.has(key);
    });
    expect(stray).toEqual([]);
  });
});
