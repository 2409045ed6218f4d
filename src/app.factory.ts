import { randomUUID } from 'node:crypto';
import { type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { AppError } from './common/errors/app-error.js';
import { createValidationPipe } from './common/errors/validation.js';
import { clientErrorHandler, frameworkErrors, securityHeaders, useFormBodiesOn, useStrictJsonBodies } from './common/http-hardening.js';
import { installImportUploads } from './import/import-upload.js';
import { MAIL_FORM_PATHS, MAIL_MULTIPART_PATHS } from './mail/mail-pages.js';
import { useConditionalGet } from './common/http-cache.js';
import { createLogger, requestLogger } from './common/logger.js';
import { buildOpenApiDocument } from './common/openapi/document.js';
import { discoverEndpoints } from './common/openapi/endpoint-discovery.js';
import { RouteTable, routeRules } from './common/route-table.js';
import type { Env } from './config/env.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Builds the HTTP application exactly as production runs it (also used by the e2e tests):
 * Fastify, /api prefix, one error body, validation, security headers, CORS allow-list, request ids, OpenAPI.
 */
export async function createApp(env: Env, logger: LoggerService = createLogger(env)): Promise<NestFastifyApplication> {
  // JSON responses get the OWASP REST set: a deny-all CSP (nothing may load or frame them), HSTS, nosniff, DENY,
  // no-referrer, CORP. Helmet's headers that only mean something for HTML documents stay on the Swagger UI page,
  // which also needs inline styles and scripts. Every header costs CPU on every response of the hot count routes.
  const apiSecurity = securityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    xFrameOptions: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  const docsSecurity = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
      },
    },
  });

  const adapter = new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    // A hop count becomes proxy-addr's (address, hop index) predicate: trust exactly that many proxies.
    trustProxy: typeof env.TRUST_PROXY === 'number' ? (_addr: string, hop: number) => hop < (env.TRUST_PROXY as number) : env.TRUST_PROXY,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 300 },
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Requests that arrive while the server drains are answered by the onRequest hook below, in our envelope.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Rejections made before routing (router, HTTP parser) get the standard error body too.
    frameworkErrors: frameworkErrors(apiSecurity),
    clientErrorHandler: clientErrorHandler(apiSecurity),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { logger, bufferLogs: false, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  useStrictJsonBodies(fastify);
  useFormBodiesOn(fastify, MAIL_FORM_PATHS, MAIL_MULTIPART_PATHS);
  // The one route that takes a file: its own body limit and media types (import/import-upload.ts).
  installImportUploads(fastify);
  app.setGlobalPrefix('api');
  let draining = false;
  const refuse = frameworkErrors(apiSecurity);
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.headers(req.url.startsWith('/api/docs') ? docsSecurity : apiSecurity).header('x-request-id', req.id);
    // A request that arrives on an open connection while the server drains (a pipelined or keep-alive one) is
    // refused like every other error: the envelope, Retry-After, the security headers (Fastify's own 503 had none).
    if (draining)
      return refuse(
        new AppError('SERVICE_UNAVAILABLE', 'The service is shutting down; retry', undefined, { 'retry-after': '1' }),
        req,
        reply,
      );
    done();
  });
  // 405 with the path's own Allow, unknown query parameters and plain OPTIONS, from the registered routes (the
  // rules are read from the controllers on the first request, when every route is registered).
  const routes = RouteTable.install(fastify, () => routeRules(discoverEndpoints(app).values(), 'api'));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  const cors = {
    origin: env.CORS_ORIGINS.length ? env.CORS_ORIGINS : false,
    // Everything the reader widget (web/) sends from a news site's page: PUT included (reactions), the notifier's
    // Notice-Key and Last-Event-ID for a live stream read with fetch.
    methods: ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match', 'Last-Event-ID', 'Notice-Key', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'WWW-Authenticate', 'X-Request-Id'],
    maxAge: 600,
  };
  // Per request: an OPTIONS that is no CORS preflight (no Origin or no Access-Control-Request-Method) is left to the
  // route table (204 with Allow), instead of @fastify/cors's text/plain 400.
  app.enableCors({
    delegator: (req, answer) =>
      answer(
        null,
        req.method === 'OPTIONS' && !(req.headers.origin && req.headers['access-control-request-method']) ? { origin: false } : cors,
      ),
  });
  routes.enforce(fastify);
  // Graceful shutdown: Fastify stops accepting, lets in-flight requests finish and closes idle connections, but a
  // keep-alive connection that is busy at that moment would then idle for keepAliveTimeout (72 s) and hold the
  // close up. From the start of close, let every connection drop as soon as its response is sent.
  fastify.addHook('preClose', (done) => {
    draining = true;
    fastify.server.keepAliveTimeout = 1;
    done();
  });
  // Registered only when 'log' is enabled: with LOG_LEVEL=warn the hot routes pay nothing for request logging.
  if (['log', 'debug', 'verbose'].includes(env.LOG_LEVEL)) {
    const requestLog = requestLogger(logger);
    fastify.addHook('onResponse', (req, reply, done) => {
      // Health probes arrive every few seconds from orchestrators: visible at LOG_LEVEL=debug, not in the normal log.
      const level = req.url.startsWith('/api/health') ? 'debug' : 'log';
      requestLog(level, {
        msg: 'request',
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        reqId: req.id,
      });
      done();
    });
  }
  useConditionalGet(fastify);
  // API_DOCS (off by default in production): otherwise /api/docs and /api/docs-json are 404 ROUTE_NOT_FOUND.
  if (env.API_DOCS) {
    SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
      jsonDocumentUrl: 'api/docs-json',
      useGlobalPrefix: false,
    });
  }

  await app.init();
  await fastify.ready();
  return app;
}
