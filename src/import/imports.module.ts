import { Module } from '@nestjs/common';
import { ExportController } from './export.controller.js';
import { ImportWorker } from './import-worker.service.js';
import { ImportsController } from './imports.controller.js';
import { ImportsService } from './imports.service.js';

/** The admin API of imports (uploads, runs) and exports, and the worker that runs uploads; the CLIs are import.cli.ts, export.cli.ts. */
@Module({
  controllers: [ImportsController, ExportController],
  providers: [ImportsService, ImportWorker],
})
export class ImportsModule {}
