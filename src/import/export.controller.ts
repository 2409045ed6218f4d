import { Readable } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { ExportQueryDto } from './imports.dto.js';
import { ImportsService } from './imports.service.js';
import { EXPORT_FILE_NAMES, EXPORT_MEDIA_TYPES } from './site-export.js';

const NATIVE_LINE_SCHEMA = {
  type: 'object',
  description: 'One record: the header first, then articles, authors and comments (docs/import-export.md, "The native format").',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['header', 'article', 'author', 'comment'] },
    key: { type: 'string', description: "the record's import key; references (articleKey, authorKey, parentKey) name keys" },
  },
  additionalProperties: true,
};

/** The whole site out (docs/import-export.md, "Export"): what `npm run export` writes, as a download. */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/export')
export class ExportController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  @Endpoint({
    operationId: 'exportSite',
    summary: 'Export every article and comment (native, Disqus or WordPress format)',
    description:
      "The whole site, streamed as it is read (keyset pages; nothing is buffered): every article, every account that wrote a comment (with its login or claim e-mail), every comment of any status, deleted ones included, with threads. `format=native` (default): this service's JSON lines (application/x-ndjson), which keeps everything; `disqus`: a Disqus XML export; `wxr`: WordPress eXtended RSS 1.2 (both application/xml; what each can say of a status is in docs/import-export.md). Any of them can be imported back (`POST /api/admin/imports`, `npm run import`). Passwords, sessions, reports and moderation history are not exported. Audited (`export_site`).",
    produces: {
      mediaType: 'application/x-ndjson',
      itemSchema: NATIVE_LINE_SCHEMA,
      example: {
        type: 'header',
        format: 'newsroom-comments',
        version: 1,
        exportedAt: '2026-12-07T23:00:00.000Z',
        counts: { articles: 1, authors: 1, comments: 1 },
      },
      alternatives: [
        {
          mediaType: 'application/xml',
          description: 'format=disqus: a Disqus XML export; format=wxr: WordPress eXtended RSS 1.2.',
          example:
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n  <thread dsq:id="5f0c6a7e-3b1d-4e8a-9c2f-7d4e1a2b3c4d"><id>budjet</id><link>https://vestnik.example.bg/budjet</link><title>Бюджетът</title></thread>\n  <post dsq:id="0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10"><message><![CDATA[Най-сетне!]]></message><createdAt>2026-12-01T09:30:00.000Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><isApproved>true</isApproved><author><name>Иван Петров</name><isAnonymous>false</isAnonymous><username>5e0c2f7e-1b9d-4d0a-8c3e-6f1a2b3c4d5e</username></author><thread dsq:id="5f0c6a7e-3b1d-4e8a-9c2f-7d4e1a2b3c4d"/></post>\n</disqus>\n',
        },
      ],
    },
  })
  async export(@Query() { format = 'native' }: ExportQueryDto, @CurrentUser() admin: AuthUser, @Res() reply: FastifyReply): Promise<void> {
    const pieces = await this.imports.export(admin, format);
    void reply
      .header('content-disposition', `attachment; filename="${EXPORT_FILE_NAMES[format]}"`)
      .type(`${EXPORT_MEDIA_TYPES[format]}; charset=utf-8`)
      .send(Readable.from(pieces));
  }
}
