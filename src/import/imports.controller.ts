import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { UuidParams } from '../common/validation/id-param.dto.js';
import { ImportRunListDto, ImportRunResponse } from './imports.dto.js';
import { ImportsService } from './imports.service.js';

export class ImportIdParam extends UuidParams('importId') {}

/** Import runs (npm run import, docs/import-export.md): follow one while it runs, read its report after. */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  @Endpoint({
    operationId: 'listImports',
    summary: 'Import runs, newest first',
    description: 'The latest 50 runs of `npm run import`, with their counts.',
    type: ImportRunListDto,
  })
  async list(): Promise<ImportRunListDto> {
    return { items: await this.imports.list() };
  }

  @Get(':importId')
  @Endpoint({
    operationId: 'getImport',
    summary: 'One import run: its progress, then its report',
    description:
      'While `status` is `running` the counts grow with every committed batch; when it ends, `report` lists per article what was imported and every skipped or failed record with its place in the file.',
    type: ImportRunResponse,
    errors: ['IMPORT_NOT_FOUND'],
  })
  async get(@Param() { importId }: ImportIdParam): Promise<ImportRunResponse> {
    return { import: await this.imports.get(importId) };
  }
}
