import { applyDecorators, type CallHandler, type ExecutionContext, Header, HttpCode, Injectable, type NestInterceptor, SetMetadata, type Type, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOperation, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import type { ErrorCode } from '../errors/error-codes.js';
import { CACHE_ROUTE_CONFIG, type CachePolicy } from '../http-cache.js';

export const ENDPOINT_KEY = 'endpoint';

export interface EndpointOptions {
  /** camelCase, unique: what generated clients name the call (`listArticles`). */
  operationId: string;
  /** One line for the operation list. */
  summary: string;
  description?: string;
  /**
   * The success status; default 200. POST routes answer 201 only when they create something, 202 when they queue
   * work to be done later (then `location` is required: the resource that shows its progress).
   */
  status?: 200 | 201 | 202 | 204;
  /** The success body's DTO class (omit for 204). */
  type?: Type<unknown>;
  /** Codes this route itself can answer with. Auth (401/403), rate limits (429), validation (400/413/415) and
   * database trouble (503) are added from the route's guards, metadata and parameters; see openapi/document.ts. */
  errors?: readonly ErrorCode[];
  /** 201 and 202: the created resource's URL, from the response body. Sent as `Location`. */
  location?: (body: never) => string;
  /** Conditional GET: ETag, 304 on If-None-Match, and this Cache-Control for anonymous callers. */
  cache?: CachePolicy;
  /** `Cache-Control: no-store` on a public route (token responses). Private routes get it automatically. */
  noStore?: boolean;
  /** The route never touches the database (liveness): no database error is documented (503 only for a stop's drain). */
  noDatabase?: boolean;
  /** A `text/event-stream` response (Server-Sent Events) instead of JSON: its description and an example stream. */
  eventStream?: { description: string; example: string };
  /**
   * A success body that is a stream of JSON values, one per line (NDJSON): its media type, the schema of one line
   * and an example line. OpenAPI 3.1 has no keyword for the items of a sequential media type, so the body is
   * documented as text and each line's schema as `x-itemSchema` (OpenAPI 3.2's `itemSchema`).
   */
  produces?: {
    mediaType: string;
    itemSchema: Record<string, unknown>;
    example: unknown;
    /** Other media types the same success may have (chosen by a query parameter), each with its example. */
    alternatives?: { mediaType: string; description: string; example: string }[];
  };
  /** The request body is a file in one of these media types (raw bytes, read by the route itself), not JSON. */
  upload?: { mediaTypes: string[]; description: string; examples: Record<string, { summary: string; value: string }> };
  /**
   * A small `text/html` page for a person who followed a link from a mail (the route's JSON body, `type`, is then
   * the answer to JSON requests; without `type` the route answers only HTML): an example page.
   */
  html?: { description: string; example: string };
}

/** What the document builder reads back (the decorator's options, normalised). */
export type EndpointMetadata = Omit<EndpointOptions, 'location'> & { status: 200 | 201 | 202 | 204; hasLocation: boolean };

/** Sets `Location` on a 201 or 202 from the created resource in the response body. */
@Injectable()
class LocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const locate = this.reflector.get<(body: unknown) => string>(LOCATION_KEY, context.getHandler());
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        void reply.header('location', locate(body));
        return body;
      }),
    );
  }
}

const LOCATION_KEY = 'endpoint:location';

/**
 * The one decorator every route carries: it names the operation, declares its success response and the error
 * codes the route itself can produce, and turns the HTTP rules on (status, Location, conditional GET, no-store).
 * The OpenAPI builder (openapi/document.ts) completes the rest from the route's guards and metadata, and refuses
 * to build a document with a route that lacks it.
 */
export function Endpoint(options: EndpointOptions): MethodDecorator {
  const status = options.status ?? 200;
  if ((status === 201 || status === 202) && !options.location) throw new Error(`${options.operationId}: a ${status} needs a location`);
  const { location, ...rest } = options;
  const metadata: EndpointMetadata = { ...rest, status, hasLocation: location !== undefined };
  const decorators: (MethodDecorator | ClassDecorator)[] = [
    SetMetadata(ENDPOINT_KEY, metadata),
    ApiOperation({ operationId: options.operationId, summary: options.summary, description: options.description }),
    options.eventStream
      ? ApiResponse({
          status,
          description: options.eventStream.description,
          content: { 'text/event-stream': { schema: { type: 'string' }, example: options.eventStream.example } },
        })
      : options.html
        ? ApiResponse({
            status,
            description: options.html.description,
            content: {
              ...(options.type && { 'application/json': { schema: { $ref: getSchemaPath(options.type) } } }),
              'text/html': { schema: { type: 'string' }, example: options.html.example },
            },
          })
        : options.produces
        ? ApiResponse({
            status,
            description: successDescription(status),
            content: {
              [options.produces.mediaType]: {
                schema: { type: 'string', description: 'One JSON object per line, each ending in a line feed; each line is described by `x-itemSchema`.' },
                'x-itemSchema': options.produces.itemSchema,
                example: `${JSON.stringify(options.produces.example)}\n`,
              } as Record<string, unknown>,
              ...Object.fromEntries(
                (options.produces.alternatives ?? []).map((alt) => [
                  alt.mediaType,
                  { schema: { type: 'string', description: alt.description }, example: alt.example },
                ]),
              ),
            },
          })
        : ApiResponse({ status, description: successDescription(status), ...(options.type && { type: options.type }) }),
    HttpCode(status),
  ];
  if (options.html && options.type) decorators.push(ApiExtraModels(options.type));
  if (location) decorators.push(SetMetadata(LOCATION_KEY, location), UseInterceptors(LocationInterceptor));
  if (options.upload) {
    decorators.push(
      ApiConsumes(...options.upload.mediaTypes),
      ApiBody({ description: options.upload.description, schema: { type: 'string', format: 'binary' }, examples: options.upload.examples }),
    );
  }
  if (options.cache) decorators.push(RouteConfig({ [CACHE_ROUTE_CONFIG]: options.cache }));
  if (options.noStore) decorators.push(Header('Cache-Control', 'no-store'));
  return applyDecorators(...decorators);
}

function successDescription(status: number): string {
  return status === 201 ? 'Created' : status === 202 ? 'Accepted' : status === 204 ? 'Done; no body' : 'OK';
}
