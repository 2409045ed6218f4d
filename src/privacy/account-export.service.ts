import { Readable } from 'node:stream';
import { Injectable, Logger, StreamableFile } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import type pg from 'pg';
import { AppError } from '../common/errors/app-error.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { EXPORT_ACCOUNT, EXPORT_SECTIONS } from './account-export.sql.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from './dto/account-export.dto.js';
import { appendAudit } from '../audit/audit-log.js';

/** Rows fetched from a section's cursor at a time: bounds the memory an export takes, whatever the account's size. */
const BATCH = 200;
/**
 * Exports streamed at once by this process. Each holds a pooled connection until its client has read the document,
 * so a few slow downloads must not starve the pool; beyond this, 503 SERVICE_UNAVAILABLE with Retry-After.
 */
const MAX_CONCURRENT = 2;
/** A client that stops reading for this long ends its export (PostgreSQL closes the idle transaction). */
const IDLE_TIMEOUT = '60s';

export interface AccountExport {
  /** The document as a stream of JSON text. */
  stream: Readable;
  /** For the download's file name. */
  username: string;
  generatedAt: string;
}

/**
 * GDPR Art. 15 and 20: the account holder's data as one JSON document (format and fields: dto/account-export.dto.ts).
 * Built by PostgreSQL as JSON and streamed section by section through cursors, inside one REPEATABLE READ READ ONLY
 * transaction: the whole document is one consistent snapshot, and memory stays bounded (BATCH rows at a time) for
 * an account with tens of thousands of comments. The account is read before anything is sent, so an unknown or
 * erased account is a proper error response; a failure later cuts the connection (never a truncated document that
 * looks complete).
 */
@Injectable()
export class AccountExportService {
  private readonly logger = new Logger(AccountExportService.name);
  private running = 0;

  constructor(private readonly prisma: PrismaService) {}

  /** An admin's export of someone's account (a request the newsroom received): recorded in the audit log. */
  async openAudited(actor: AuthUser, userId: string, notFound: () => AppError): Promise<AccountExport> {
    const file = await this.open(userId, notFound);
    try {
      await appendAudit(this.prisma.pool, { action: 'export_account', actorId: actor.id, targetUserId: userId });
    } catch (err) {
      file.stream.destroy();
      throw err;
    }
    return file;
  }

  /** `notFound`: what an unknown or erased account answers (the holder's own request: its token is no longer valid). */
  async open(userId: string, notFound: () => AppError): Promise<AccountExport> {
    if (this.running >= MAX_CONCURRENT) {
      throw new AppError('SERVICE_UNAVAILABLE', 'Too many exports are being prepared right now; retry in a moment', undefined, {
        'retry-after': '10',
      });
    }
    this.running++;
    let broken = false;
    const onError = () => {
      broken = true;
    };
    let client: pg.PoolClient | undefined;
    // Ends the transaction (when `commit` is false: rolls it back) and returns the connection, once.
    let finished: Promise<void> | undefined;
    const finish = (commit: boolean) =>
      (finished ??= (async () => {
        if (client) {
          await client.query(commit ? 'COMMIT' : 'ROLLBACK').catch(() => (broken = true));
          client.off('error', onError);
          client.release(broken);
        }
        this.running--;
      })());
    try {
      client = await this.prisma.pool.connect();
      // A connection dropped while the client downloads (database restart, idle timeout) must not crash the process.
      client.on('error', onError);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET LOCAL idle_in_transaction_session_timeout = '${IDLE_TIMEOUT}'`);
      const { rows } = await client.query<{ j: string; generated_at: string }>(EXPORT_ACCOUNT, [userId]);
      const account = rows[0];
      if (!account) throw notFound();
      const username = (JSON.parse(account.j) as { username: string }).username;
      let started = false;
      const held = client;
      async function* document(): AsyncGenerator<string> {
        started = true;
        let complete = false;
        try {
          yield* sections(held, userId, account);
          complete = true;
        } finally {
          // Also when the download was cut off: the stream is destroyed and the generator returns here.
          await finish(complete);
        }
      }
      const stream = Readable.from(document(), { objectMode: false });
      // A stream destroyed before it was ever read never runs the generator: end the transaction here instead.
      stream.once('close', () => {
        if (!started) void finish(false);
      });
      stream.once('error', (err) => this.logger.warn({ msg: 'account export not completed', userId, error: err.message }));
      return { stream, username, generatedAt: account.generated_at };
    } catch (err) {
      await finish(false);
      throw err;
    }
  }
}

/** The document, piece by piece: the header and account, then each section through its own cursor. */
async function* sections(client: pg.PoolClient, userId: string, account: { j: string; generated_at: string }): AsyncGenerator<string> {
  yield `{"format":"${EXPORT_FORMAT}","version":${EXPORT_VERSION},"generatedAt":"${account.generated_at}","account":${account.j}`;
  for (const [i, section] of EXPORT_SECTIONS.entries()) {
    const cursor = `export_${i}`;
    await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${section.sql}`, [userId]);
    yield `,"${section.key}":[`;
    for (let first = true; ; first = false) {
      const { rows } = await client.query<{ j: string }>(`FETCH ${BATCH} FROM ${cursor}`);
      if (rows.length) yield (first ? '' : ',') + rows.map((r) => r.j).join(',');
      if (rows.length < BATCH) break;
    }
    await client.query(`CLOSE ${cursor}`);
    yield ']';
  }
  yield '}';
}

/** The export as a download: JSON, with a file name that says whose and when. */
export function exportFile(e: AccountExport): StreamableFile {
  const day = e.generatedAt.slice(0, 10);
  // The username is letters, digits, _ and - (any script): the ASCII fallback name leaves it out.
  return new StreamableFile(e.stream, {
    type: 'application/json; charset=utf-8',
    disposition: `attachment; filename="account-export-${day}.json"; filename*=UTF-8''${encodeURIComponent(`account-export-${e.username}-${day}.json`)}`,
  });
}
