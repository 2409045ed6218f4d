import pg from 'pg';
import { inject } from 'vitest';
import { SEED_SLUG, startTestApp } from './helpers/app.js';

describe('graceful shutdown', () => {
  it('lets an in-flight request finish before the database pool closes', async () => {
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
});
