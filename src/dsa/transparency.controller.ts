import { Readable } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { PeriodQueryDto, TransparencyReportDto } from './dto/transparency.dto.js';
import { TDB_STATEMENT_DOCUMENT_SCHEMA, TDB_STATEMENT_EXAMPLE } from './transparency-database.schema.js';
import { TransparencyService } from './transparency.service.js';

/** Transparency reporting (DSA Art. 15, 24) for admins. */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/transparency')
export class TransparencyController {
  constructor(private readonly transparency: TransparencyService) {}

  @Get('report')
  @Endpoint({
    operationId: 'getTransparencyReport',
    summary: 'Transparency report figures for a period (DSA Art. 15, 24(1))',
    description:
      'Notices by category, decisions by ground, restriction, category, source and automation, median times, appeals and their outcomes, misuse measures. See README "Legal duties" for how each figure is counted.',
    type: TransparencyReportDto,
  })
  report(@Query() q: PeriodQueryDto): Promise<TransparencyReportDto> {
    return this.transparency.report(q);
  }

  @Get('statements')
  @Endpoint({
    operationId: 'exportStatements',
    summary: 'Statements of reasons of a period, for the Transparency Database (DSA Art. 24(5))',
    description:
      "Newline-delimited JSON (application/x-ndjson): each line is one object as `x-itemSchema` describes, one statement per line, oldest first, in the Transparency Database's field names and values: each line is a valid body for its `POST /api/v1/statement` (or an item of `statements` for the multiple endpoint). No personal data is added; `puid` is stable and never re-used. The fields are snake_case, unlike the camelCase of the rest of this API, because they are the Transparency Database's own names: the lines go to it unchanged.",
    produces: { mediaType: 'application/x-ndjson', itemSchema: TDB_STATEMENT_DOCUMENT_SCHEMA, example: TDB_STATEMENT_EXAMPLE },
  })
  async statements(@Query() q: PeriodQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const lines = this.transparency.statements(q);
    // The period is validated before the first byte: a bad one is a 400, not a broken stream.
    const first = await lines.next();
    const body = Readable.from(
      (async function* () {
        if (!first.done) yield first.value;
        yield* lines;
      })(),
    );
    void reply
      .header('content-disposition', 'attachment; filename="statements-of-reasons.ndjson"')
      .type('application/x-ndjson; charset=utf-8')
      .send(body);
  }
}
