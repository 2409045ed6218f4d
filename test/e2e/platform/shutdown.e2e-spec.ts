import pg from 'pg';
import { inject } from 'vitest';
import { createPool } from '../../../src/database/pool.js';
import { SEED_SLUG, startTestApp } from '../../helpers/app.js';

describe('graceful shutdown', () => {
  it('should let an in-flight request finish before the database pool closes', async () => {
    const t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    // Hold a lock the count query must wait for, so the request is in flight while the app closes.
    const locker = new pg.Client({ connectionString: inject('databaseUrl') });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
      const inFlight = fetch(`http://127.0.0.1:${port}/api/articles/${SEED_SLUG}/comments`);
      await new Promise((r) => setTimeout(r, 200));
      const closing = t.close();
      await new Promise((r) => setTimeout(r, 300));
      await locker.query('COMMIT');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ items: [], nextCursor: null });
      await closing;
      // Closed: new connections are refused.
      await expect(fetch(`http://127.0.0.1:${port}/api/health/live`)).rejects.toThrow();
    } finally {
      await locker.end();
    }
  });

  it("should have closed every database connection when the pool's end() resolves, so the database can stop right after", async () => {
    // pg-pool's own end() resolves once it has asked its clients to close, before their connections are closed: an
    // embedded database stopped right then made the idle ones fail ("idle database connection failed" on a clean stop).
    const errors: Error[] = [];
    const pool = createPool(inject('databaseUrl'), { max: 4 }, (err) => errors.push(err));
    const ended: boolean[] = [];
    pool.on('connect', (client) => {
      const i = ended.push(false) - 1;
      client.on('end', () => (ended[i] = true));
    });
    await Promise.all(Array.from({ length: 4 }, () => pool.query('SELECT pg_sleep(0.05)')));
    await pool.end();
    expect(ended).toEqual([true, true, true, true]);
    expect(errors).toEqual([]);
  });
});
