import { connect } from 'node:net';
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

  it('should answer a request that arrives during the drain with the error envelope, Retry-After and the security headers', async () => {
    const t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    const locker = new pg.Client({ connectionString: inject('databaseUrl') });
    await locker.connect();
    const socket = connect(port, '127.0.0.1');
    try {
      await new Promise((r) => socket.once('connect', r));
      let raw = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (raw += chunk));
      const ended = new Promise((r) => socket.once('close', r));
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
      // One request in flight keeps the connection busy (not reaped as idle) while the app starts closing.
      socket.write(`GET /api/articles/${SEED_SLUG}/comments HTTP/1.1\r\nHost: x\r\n\r\n`);
      await new Promise((r) => setTimeout(r, 200));
      const closing = t.close();
      await new Promise((r) => setTimeout(r, 200));
      // The next request on that connection arrives during the drain.
      socket.write('GET /api/health/live HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((r) => setTimeout(r, 200));
      await locker.query('COMMIT');
      await closing;
      await ended;
      const [first, second] = raw.split(/(?=HTTP\/1\.1 )/);
      expect(first).toMatch(/^HTTP\/1\.1 200 /);
      expect(second).toMatch(/^HTTP\/1\.1 503 /);
      const [head, body] = second!.split('\r\n\r\n');
      const headers = Object.fromEntries(
        head!
          .split('\r\n')
          .slice(1)
          .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      expect(headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'retry-after': '1',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'close',
      });
      expect(headers['content-security-policy']).toBeDefined();
      expect(JSON.parse(body!)).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
    } finally {
      socket.destroy();
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
