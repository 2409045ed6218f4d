import { Module } from '@nestjs/common';
import { ImportWorker } from './import-worker.service.js';
import { ImportsController } from './imports.controller.js';
import { ImportsService } from './imports.service.js';

/** The admin API of imports (uploads, runs) and the worker that runs uploads; `npm run import` is import.cli.ts. */
@Module({
  controllers: [ImportsController],
  providers: [ImportsService, ImportWorker],
})
export class ImportsModule {}
