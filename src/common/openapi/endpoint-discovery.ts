import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ALLOW_BANNED_KEY, IS_PUBLIC_KEY, ROLES_KEY } from '../auth/decorators.js';
import { RATE_LIMIT_KEY, type RateLimitRule } from '../rate-limit/rate-limit.decorator.js';
import { ENDPOINT_KEY, type EndpointMetadata } from './endpoint.decorator.js';
import type { DtoClass } from './request-schemas.js';

/** Finds every controller route and reads the metadata the global guards read (public, roles, banned, rate limits, DTOs). */

export interface DtoParam {
  kind: 'body' | 'query' | 'param';
  type: DtoClass;
  /** @Param('slug') names one parameter; a DTO covers all of its properties. */
  name?: string;
}

export interface DiscoveredEndpoint {
  key: string;
  /** The HTTP method and the route's path below the global prefix, as the router knows it (`comments/:commentId`). */
  method: string;
  path: string;
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
export function discoverEndpoints(app: INestApplication): Map<string, DiscoveredEndpoint> {
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
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const key = `${method} ${controller.name}.${name}`;
      const path = [Reflect.getMetadata(PATH_METADATA, controller) as unknown, Reflect.getMetadata(PATH_METADATA, handler) as unknown]
        .map((p) => String(p ?? '').replace(/^\/+|\/+$/g, ''))
        .filter(Boolean)
        .join('/');
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
        method,
        path,
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
