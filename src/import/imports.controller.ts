import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { UuidParams } from '../common/validation/id-param.dto.js';
import { IMPORT_UPLOAD_MAX_BYTES, IMPORT_UPLOAD_TYPES } from './import-upload.js';
import { UploadedFile } from './uploaded-file.decorator.js';
import { ImportRunListDto, ImportRunResponse, UploadImportQueryDto } from './imports.dto.js';
import { ImportsService } from './imports.service.js';

export class ImportIdParam extends UuidParams('importId') {}

/** Import runs (npm run import, or an upload here; docs/import-export.md): start one, follow it, read its report. */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  @Endpoint({
    operationId: 'listImports',
    summary: 'Import runs, newest first',
    description: 'The latest 50 runs (of `npm run import` and of uploads), with their counts.',
    type: ImportRunListDto,
  })
  async list(): Promise<ImportRunListDto> {
    return { items: await this.imports.list() };
  }

  @Post()
  @Endpoint({
    operationId: 'uploadImport',
    summary: 'Upload an export file to import',
    description: `The file is the request body, at most ${IMPORT_UPLOAD_MAX_BYTES / 1024 / 1024} MB (larger files: \`npm run import\`): a Disqus or WordPress export as \`application/xml\`, a Coral, Remark42 or native file as \`application/x-ndjson\`, or any of them as \`application/octet-stream\`. The format is told from the file's start, or given with \`?from=\`. The file is kept in the database and imported by a worker of any instance (queued, then running); \`Location\` names the run, whose counts grow with every committed batch. An instance that stops hands the run on; one that dies leaves it to another after a minute, which resumes it.`,
    status: 202,
    type: ImportRunResponse,
    location: (body: ImportRunResponse) => `/api/admin/imports/${body.import.id}`,
    errors: ['IMPORT_FILE_EMPTY', 'IMPORT_FORMAT_UNKNOWN'],
    upload: {
      mediaTypes: IMPORT_UPLOAD_TYPES,
      description: 'The export file, as it was downloaded (UTF-8).',
      examples: {
        disqus: {
          summary: 'A Disqus export (application/xml)',
          value:
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n  <thread dsq:id="7001"><link>https://vestnik.example.bg/politika/budjet</link><title>Парламентът прие бюджета</title></thread>\n  <post dsq:id="9001"><message><![CDATA[<p>Най-сетне!</p>]]></message><createdAt>2019-03-01T09:15:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Иван Петров</name><isAnonymous>true</isAnonymous></author><thread dsq:id="7001"/></post>\n</disqus>\n',
        },
        remark42: {
          summary: 'A Remark42 backup (application/x-ndjson)',
          value:
            '{"version":1,"users":[],"posts":[]}\n{"id":"b1f6c3a2-6f0e-4d57-9a43-1f5c0e2d7a01","pid":"","text":"<p>Страхотна разходка!</p>","user":{"name":"Стефан","id":"github_3e1c"},"locator":{"site":"blog","url":"https://blog.example.bg/2021/05/planina"},"time":"2021-05-10T08:00:00Z","title":"Разходка в планината"}\n',
        },
      },
    },
  })
  async upload(
    @Query() query: UploadImportQueryDto,
    @UploadedFile() file: Buffer,
    @CurrentUser() user: AuthUser,
  ): Promise<ImportRunResponse> {
    return { import: await this.imports.upload(user, query, file) };
  }

  @Get(':importId')
  @Endpoint({
    operationId: 'getImport',
    summary: 'One import run: its progress, then its report',
    description:
      'While `status` is `queued` or `running` the counts grow with every committed batch; when it ends, `report` lists per article what was imported and every skipped or failed record with its place in the file.',
    type: ImportRunResponse,
    errors: ['IMPORT_NOT_FOUND'],
  })
  async get(@Param() { importId }: ImportIdParam): Promise<ImportRunResponse> {
    return { import: await this.imports.get(importId) };
  }
}
