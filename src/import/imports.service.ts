import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { appendAudit } from '../audit/audit-log.js';
import { enqueueUpload } from './import-queue.js';
import { detectImportFormat } from './import-upload.js';
import { ImportWorker } from './import-worker.service.js';
import type { ImportRunDetailDto, ImportRunDto, UploadImportQueryDto } from './imports.dto.js';
import { type ExportFormat, exportSite } from './site-export.js';

const runSelect = {
  id: true,
  format: true,
  sourceName: true,
  status: true,
  startedById: true,
  uploadBytes: true,
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
  uploadBytes: r.uploadBytes === null ? null : Number(r.uploadBytes),
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** Import runs as the admin console reads them (their progress, then their report), and uploads to import. */
@Injectable()
export class ImportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly worker: ImportWorker,
  ) {}

  async list(): Promise<ImportRunDto[]> {
    const rows = await this.prisma.import.findMany({ select: runSelect, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: 50 });
    return rows.map(toRun);
  }

  async get(id: string): Promise<ImportRunDetailDto> {
    const row = await this.prisma.import.findUnique({ where: { id }, select: { ...runSelect, report: true } });
    if (!row) throw AppError.notFound('IMPORT_NOT_FOUND', 'No import run has this id');
    return { ...toRun(row), report: (row.report as Record<string, unknown> | null) ?? null };
  }

  /**
   * Keeps the file in the database and queues its run (import-queue.ts); a worker of any instance imports it. The
   * run's audit row is written when it ends (importer.ts), naming this admin.
   */
  async upload(admin: AuthUser, query: UploadImportQueryDto, file: Buffer): Promise<ImportRunDetailDto> {
    const format = query.from ?? detectImportFormat(file);
    if (!format) {
      throw new AppError(
        'IMPORT_FORMAT_UNKNOWN',
        'The format cannot be told from the start of the file (Disqus or WordPress XML, Coral, Remark42 or native JSON lines): send ?from=',
      );
    }
    const id = await enqueueUpload(
      this.prisma.pool,
      { format, sourceName: query.name ?? null, startedById: admin.id, createArticles: true },
      file,
    );
    this.worker.wake();
    return this.get(id);
  }

  /** The whole site in `format`, read as it is sent; the download is audited before its first byte. */
  async export(admin: AuthUser, format: ExportFormat): Promise<AsyncGenerator<string>> {
    await appendAudit(this.prisma.pool, { action: 'export_site', actorId: admin.id, details: { format } });
    return exportSite(this.prisma.pool, format);
  }
}
