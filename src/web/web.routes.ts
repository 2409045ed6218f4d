import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consolePage } from './pages/console-page.js';
import { htmlHeaders } from './pages/html.js';
import { ReaderPages } from './pages/reader-pages.js';
import { IMMUTABLE, SHORT_LIVED, sendAsset } from './static-files.js';
import { WebAssets } from './web-assets.js';

/**
 * Every route outside /api and the API docs, registered on Fastify directly (below). They answer with files and
 * public pages only: no token is read, no data but what the public API serves. test/e2e/contract/route-permissions
 * allows exactly these beside the Nest controllers.
 */
export const PAGE_ROUTES = ['/embed/v1/*', '/admin', '/admin/*', '/', '/articles/:slug'] as const;

/**
 * The routes outside /api: the embeddable widget's files (/embed/v1/…, loadable from the news site's origin), and
 * the service's own pages (the moderation console at /admin; the reader pages / and /articles/:slug). They are registered on Fastify directly: they take
 * no token, no JSON and no validated query (HTML pages accept whatever tracking parameters links carry).
 */
@Injectable()
export class WebRoutes implements OnModuleInit {
  private readonly logger = new Logger(WebRoutes.name);
  readonly assets = WebAssets.load();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly pages: ReaderPages,
  ) {}

  onModuleInit(): void {
    if (this.assets.missing) this.logger.warn(this.assets.missing);
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const [embed, admin, adminPages, home, article] = PAGE_ROUTES;
    fastify.get(embed, (req, reply) => this.embedFile(req, reply));
    fastify.get(admin, (_req, reply) => this.console(reply));
    fastify.get(adminPages, (req, reply) => {
      const rest = (req.params as { '*': string })['*'];
      return rest.startsWith('assets/') ? this.consoleFile(req, reply, rest) : this.console(reply);
    });
    // The reader pages: the articles, and an article with its comments rendered server-side (readable without
    // JavaScript) and taken over by the widget.
    fastify.get(home, async (req, reply) => (await this.pages.home(req, reply, this.assets)) ?? this.unavailable(reply));
    fastify.get(article, async (req, reply) => {
      const { slug } = req.params as { slug: string };
      return (await this.pages.article(slug, reply, this.assets)) ?? this.unavailable(reply);
    });
  }

  private embedFile(req: FastifyRequest, reply: FastifyReply): FastifyReply {
    const rest = (req.params as { '*': string })['*'];
    const asset = this.assets.get(`embed/v1/${rest}`);
    if (!asset) return this.notFound(reply);
    return sendAsset(req, reply, asset, { cacheControl: rest.startsWith('assets/') ? IMMUTABLE : SHORT_LIVED, crossOrigin: true });
  }

  private consoleFile(req: FastifyRequest, reply: FastifyReply, rest: string): FastifyReply {
    const asset = this.assets.get(`admin/${rest}`);
    if (!asset) return this.notFound(reply);
    return sendAsset(req, reply, asset, { cacheControl: IMMUTABLE, crossOrigin: false });
  }

  private console(reply: FastifyReply): FastifyReply {
    const entry = this.assets.entry('admin/assets/', 'console');
    if (!entry) return this.unavailable(reply);
    return reply
      .headers(htmlHeaders({ frameAncestors: "'none'", noIndex: true }))
      .header('cache-control', 'no-cache')
      .send(consolePage(entry));
  }

  private notFound(reply: FastifyReply): FastifyReply {
    return reply
      .code(404)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: { code: 'ROUTE_NOT_FOUND', message: 'No such file' } });
  }

  private unavailable(reply: FastifyReply): FastifyReply {
    return reply
      .code(503)
      .header('content-type', 'text/plain; charset=utf-8')
      .header('retry-after', '60')
      .send(`503: ${this.assets.missing ?? 'the page is not built'}\n`);
  }
}
