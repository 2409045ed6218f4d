import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { ReservedUsernames } from '../users/username-rules.js';
import { claimImport, type ClaimedImport, dropUpload, extendLease, releaseImport, uploadChunks } from './import-queue.js';
import { Importer, ImportInterrupted } from './importer.js';
import { readRecords } from './readers.js';
import { readUtf8Chunks } from './source-file.js';
import { WakeableSleep } from '../common/wakeable-sleep.js';

const POLL_MS = 5_000;
const LEASE_MS = 60_000;
const HEARTBEAT_MS = 15_000;

/**
 * Runs the imports uploaded through the admin API (import-queue.ts), one at a time per instance: looks every
 * POLL_MS, and at once when this instance queued one. While a run goes on its lease is extended every
 * HEARTBEAT_MS; if the instance dies, the lease runs out and another instance takes the run over and resumes it.
 * At shutdown the run in progress stops after its current batch and is handed back to the queue.
 */
@Injectable()
export class ImportWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Imports');
  private readonly reserved: ReservedUsernames;
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly pause = new WakeableSleep();

  constructor(
    private readonly prisma: PrismaService,
    config: AppConfig,
  ) {
    this.reserved = ReservedUsernames.forSite(config.get('RESERVED_USERNAMES'));
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    this.wake();
    await this.loop;
  }

  /** A run was queued here: look now. */
  wake(): void {
    this.pause.wake();
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let claimed: ClaimedImport | undefined;
      try {
        claimed = await claimImport(this.prisma.pool, LEASE_MS);
      } catch (err) {
        this.logger.warn({ msg: 'import queue unavailable; retrying', err: (err as Error).message });
      }
      if (claimed) await this.runOne(claimed);
      else await this.pause.sleep(POLL_MS);
    }
  }

  private async runOne(job: ClaimedImport): Promise<void> {
    const pool = this.prisma.pool;
    this.logger.log({ msg: 'import started', importId: job.id, format: job.format, attempt: job.attempts });
    const heartbeat = setInterval(() => {
      extendLease(pool, job.id, LEASE_MS).catch((err: unknown) =>
        this.logger.warn({ msg: 'import lease not extended', importId: job.id, err: (err as Error).message }),
      );
    }, HEARTBEAT_MS);
    heartbeat.unref();
    let ended = false;
    try {
      const importer = new Importer(pool, {
        format: job.format,
        sourceName: job.sourceName ?? undefined,
        startedById: job.startedById,
        importId: job.id,
        createMissingArticles: job.createArticles,
        reserved: this.reserved,
        signal: this.abort.signal,
      });
      const report = await importer.run(readRecords(job.format, readUtf8Chunks(uploadChunks(pool, job.id))));
      ended = true;
      this.logger.log({ msg: 'import finished', importId: job.id, comments: report.comments });
    } catch (err) {
      if (err instanceof ImportInterrupted) {
        await releaseImport(pool, job.id).catch(() => {});
      } else if ((err as { report?: unknown }).report) {
        // Stopped on its file (the run is marked failed with the place): running it again would stop there again.
        ended = true;
        this.logger.warn({ msg: 'import failed', importId: job.id, err: (err as Error).message });
      } else {
        // The database went away before the run could be marked: the lease runs out and it is tried again.
        this.logger.warn({ msg: 'import interrupted; it will be resumed', importId: job.id, err: (err as Error).message });
      }
    } finally {
      clearInterval(heartbeat);
    }
    if (ended) await dropUpload(pool, job.id).catch(() => {});
  }
}
