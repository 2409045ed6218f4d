import pg from 'pg';
import { DatabaseUnavailableError } from '../common/errors/database-errors.js';

export interface PoolOptions {
  max?: number;
  connectionTimeoutMillis?: number;
  statementTimeoutMillis?: number;
  applicationName?: string;
}

type Callback = (err: unknown, ...rest: unknown[]) => void;
type Query = (...args: unknown[]) => unknown;

/**
 * pg reports "no connection to be had" (pool timeout, pool closed) and "connection lost" (terminated, not
 * queryable) as plain Errors without a code. Our pool and clients re-throw those as DatabaseUnavailableError, so
 * the error mapping can decide by class (common/errors/database-errors.ts) instead of by message text. Errors that already say
 * what happened (a PostgreSQL error with its SQLSTATE, a Node socket error with its code) pass through unchanged.
 */
const explained = (err: unknown) => err instanceof pg.DatabaseError || (typeof err === 'object' && err !== null && 'syscall' in err);

const lostConnection = (err: unknown) => new DatabaseUnavailableError('database connection lost', { cause: err });

/** Errors a client emitted as its connection failing (pg-pool's query() passes these on as they are). */
const connectionErrors = new WeakSet<object>();

/** Replaces `target.query` (a dozen overloads: promise, callback, submittable) with one that maps its errors. */
function mapQueryErrors(target: object, map: (err: unknown) => unknown): void {
  const holder = target as { query: Query };
  const query = holder.query.bind(target);
  holder.query = (...args: unknown[]) => {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last] as Callback;
      args[last] = (err: unknown, ...rest: unknown[]) => cb(err ? map(err) : err, ...rest);
      return query(...args);
    }
    const result = query(...args);
    return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(map(err))) : result;
  };
}

/** A client that marks itself lost on its first connection error or end, and re-throws later failures as such. */
class ResilientClient extends pg.Client {
  private lost = false;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // pg emits 'error' synchronously when the socket dies, before it fails the pending queries (next tick).
    this.on('error', (err: Error) => {
      this.lost = true;
      connectionErrors.add(err);
    });
    this.on('end', () => void (this.lost = true));
    mapQueryErrors(this, (err) => (this.lost && !explained(err) ? lostConnection(err) : err));
  }
}

/** Failing to obtain a connection always means the database is unavailable to us right now. */
const unavailable = (err: unknown) =>
  err instanceof DatabaseUnavailableError ? err : new DatabaseUnavailableError('no database connection available', { cause: err });

class ResilientPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    // pool.query() fails a query with the client's connection error directly when the connection dies under it.
    mapQueryErrors(this, (err) =>
      typeof err === 'object' && err !== null && connectionErrors.has(err) && !explained(err) ? lostConnection(err) : err,
    );
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (callback) {
      super.connect((err, client, done) => callback(err ? unavailable(err) : undefined, client, done));
      return;
    }
    return super.connect().catch((err: unknown) => Promise.reject(unavailable(err)));
  }

  /**
   * Resolves once every connection is closed. pg-pool's own end() resolves as soon as it has asked its clients to
   * close (client.end() is asynchronous): a database stopped right then, as the embedded one is after the pool at
   * shutdown, made the idle connections fail and the pool report errors for a clean stop.
   */
  override end(): Promise<void>;
  override end(callback: () => void): void;
  override end(callback?: () => void): Promise<void> | void {
    const open = this.totalCount;
    let closed = 0;
    const allClosed = new Promise<void>((resolve) => {
      if (open === 0) return resolve();
      this.on('remove', () => ++closed >= open && resolve());
      // A client still connecting when end() is called may never be removed; do not wait for it for ever.
      setTimeout(resolve, END_WAIT_MS).unref();
    });
    const ended = super.end().then(() => allClosed);
    if (!callback) return ended;
    void ended.then(callback, callback);
  }
}

const END_WAIT_MS = 5_000;

/**
 * A pg pool that survives database restarts: an `error` listener keeps idle-client errors from killing the
 * process, `connectionTimeoutMillis` keeps a dead or saturated server from hanging requests, and
 * `statement_timeout` bounds every query. Connection failures surface as DatabaseUnavailableError (see above).
 */
export function createPool(connectionString: string, opts: PoolOptions = {}, onError?: (err: Error) => void): pg.Pool {
  const pool = new ResilientPool({
    connectionString,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMillis ?? 5000,
    idle_in_transaction_session_timeout: 30_000,
    application_name: opts.applicationName ?? 'newsroom-comments',
    Client: ResilientClient,
  });
  pool.on('error', (err) => onError?.(err));
  return pool;
}
