import type pg from 'pg';
import { appendAudit } from '../audit/audit-log.js';
import type { ImportFormat } from './import-records.js';

/**
 * Uploaded imports as a queue in PostgreSQL (the shape of webhooks/webhook-queue.ts): the file's bytes in
 * `import_upload_chunks` (so any instance can read them), the run in `imports` with status `queued`. A worker claims
 * one with a lease (`FOR UPDATE SKIP LOCKED`: instances never take the same run and never wait on each other) and
 * keeps extending the lease while it runs; a run whose instance died is `running` with a lease in the past, and is
 * claimed again, which resumes it (an import skips what is already in). After MAX_ATTEMPTS claims it is left alone.
 */

export const UPLOAD_CHUNK_BYTES = 1024 * 1024;
export const MAX_ATTEMPTS = 5;

export interface QueuedImport {
  format: ImportFormat;
  sourceName: string | null;
  startedById: string;
  createArticles: boolean;
}

export interface ClaimedImport extends QueuedImport {
  id: string;
  attempts: number;
}

/** The run, its file and the audit row, in one transaction: a run is never queued without all of its bytes. */
export async function enqueueUpload(pool: pg.Pool, run: QueuedImport, file: Buffer): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO imports (id, format, source_name, status, started_by_id, upload_bytes, create_articles)
       VALUES (gen_random_uuid(), $1, $2, 'queued', $3::uuid, $4, $5) RETURNING id`,
      [run.format, run.sourceName, run.startedById, file.length, run.createArticles],
    );
    const id = rows[0].id;
    // A few chunks per statement: bounded statement size, few round trips.
    for (let seq = 0; seq * UPLOAD_CHUNK_BYTES < file.length; seq += 8) {
      const seqs: number[] = [];
      const data: Buffer[] = [];
      for (let s = seq; s < seq + 8 && s * UPLOAD_CHUNK_BYTES < file.length; s++) {
        seqs.push(s);
        data.push(file.subarray(s * UPLOAD_CHUNK_BYTES, (s + 1) * UPLOAD_CHUNK_BYTES));
      }
      await client.query(
        'INSERT INTO import_upload_chunks (import_id, seq, data) SELECT $1::uuid, s, d FROM unnest($2::int[], $3::bytea[]) AS u(s, d)',
        [id, seqs, data],
      );
    }
    await appendAudit(client, {
      action: 'import_upload',
      actorId: run.startedById,
      details: { importId: id, format: run.format, source: run.sourceName, bytes: file.length },
    });
    await client.query('COMMIT');
    return id;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The oldest queued or abandoned upload, leased to the caller for `leaseMs`; its counts start again from zero. */
export async function claimImport(pool: pg.Pool, leaseMs: number): Promise<ClaimedImport | undefined> {
  const { rows } = await pool.query<ClaimedImport>(
    `WITH next AS (
       SELECT id FROM imports
       WHERE upload_bytes IS NOT NULL AND attempts < $2
         AND (status = 'queued' OR (status = 'running' AND lease_until < now()))
       ORDER BY started_at, id
       LIMIT 1
       FOR UPDATE SKIP LOCKED
     )
     UPDATE imports i SET status = 'running', attempts = i.attempts + 1, lease_until = now() + make_interval(secs => $1::int / 1000.0),
       comments_imported = 0, comments_skipped = 0, comments_failed = 0
     FROM next WHERE i.id = next.id
     RETURNING i.id, i.format, i.source_name AS "sourceName", i.started_by_id AS "startedById",
       i.create_articles AS "createArticles", i.attempts`,
    [leaseMs, MAX_ATTEMPTS],
  );
  return rows[0];
}

/** Still working on it: the lease moves on (only while the run is still this worker's and running). */
export async function extendLease(pool: pg.Pool, id: string, leaseMs: number): Promise<void> {
  await pool.query(
    `UPDATE imports SET lease_until = now() + make_interval(secs => $2::int / 1000.0) WHERE id = $1 AND status = 'running'`,
    [id, leaseMs],
  );
}

/** Handed back at shutdown: the next worker (on any instance) takes it at once. */
export async function releaseImport(pool: pg.Pool, id: string): Promise<void> {
  await pool.query(`UPDATE imports SET status = 'queued', lease_until = NULL WHERE id = $1 AND status = 'running'`, [id]);
}

/** The run ended (finished, or failed on its file): its bytes are not kept. */
export async function dropUpload(pool: pg.Pool, id: string): Promise<void> {
  await pool.query('DELETE FROM import_upload_chunks WHERE import_id = $1', [id]);
}

/** The file's bytes in order, one chunk (1 MB) in memory at a time. */
export async function* uploadChunks(pool: pg.Pool, id: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const { rows } = await pool.query<{ data: Buffer }>('SELECT data FROM import_upload_chunks WHERE import_id = $1 AND seq = $2', [
      id,
      seq,
    ]);
    if (!rows.length) return;
    yield rows[0].data;
  }
}
