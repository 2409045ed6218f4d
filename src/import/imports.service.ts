import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ImportRunDetailDto, ImportRunDto } from './imports.dto.js';

const runSelect = {
  id: true,
  format: true,
  sourceName: true,
  status: true,
  startedById: true,
  commentsImported: true,
  commentsSkipped: true,
  commentsFailed: true,
  articlesCreated: true,
  authorsCreated: true,
  error: true,
  startedAt: true,
  finishedAt: true,
} satisfies Prisma.ImportSelect;

type RunRow = Prisma.ImportGetPayload<{ select: typeof runSelect }>;

const toRun = (r: RunRow): ImportRunDto => ({
  ...r,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** Import runs as the admin console reads them: their progress while running, their report once done. */
@Injectable()
export class ImportsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(): Promise<ImportRunDto[]> {
    const rows = await this.prisma.import.findMany({ select: runSelect, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: 50 });
    return rows.map(toRun);
  }

  async get(id: string): Promise<ImportRunDetailDto> {
    const row = await this.prisma.import.findUnique({ where: { id }, select: { ...runSelect, report: true } });
    if (!row) throw AppError.notFound('IMPORT_NOT_FOUND', 'No import run has this id');
    return { ...toRun(row), report: (row.report as Record<string, unknown> | null) ?? null };
  }
}
