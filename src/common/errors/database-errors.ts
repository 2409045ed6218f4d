import pg from 'pg';
import { Prisma } from '../../generated/prisma/client.js';

/**
 * Which failures mean "the database is unavailable, too slow, or lost the connection" (answer 503 and let the
 * client retry) and which mean "two transactions collided" (retry once inside the service). Decided only by error
 * class, SQLSTATE, driver-adapter kind, Prisma code or Node socket code, walking `cause` chains and Prisma's
 * `meta.driverAdapterError`, never by message text: messages change between driver versions and locales.
 */

/**
 * The pool could not hand out a connection (timeout, refused, server starting or shutting down, pool closed), or a
 * connection was lost mid-query. Thrown by our pool (database/pool.ts) around pg's own errors, which for these
 * cases are plain `Error`s without a code; the original is kept as `cause`.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';

  constructor(reason: string, options: { cause: unknown }) {
    super(reason, options);
  }
}

export type DatabaseFault = 'unavailable' | 'conflict';

/** SQLSTATEs of two transactions colliding: the loser was rolled back and may simply run again. */
const CONFLICT_SQLSTATES = new Set(['40001', '40P01']);

/** SQLSTATE classes that always mean the server cannot serve us: connection exception, insufficient resources, system error. */
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08', '53', '58']);

const UNAVAILABLE_SQLSTATES = new Set([
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '57P04', // database_dropped
  '57P05', // idle_session_timeout
  '55P03', // lock_not_available (lock_timeout)
  '25P03', // idle_in_transaction_session_timeout
]);

/** @prisma/adapter-pg's error kinds (DriverAdapterError.cause.kind) for connection-level trouble. */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
]);
const CONFLICT_ADAPTER_KINDS = new Set(['TransactionWriteConflict']);

/**
 * Prisma codes: P1xxx = cannot reach / authenticate / timed out; P2024 = connection pool timeout; P2028 =
 * transaction API error (could not start within maxWait, or ran past its timeout). P2034 = write conflict or
 * deadlock.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1000', 'P1001', 'P1002', 'P1003', 'P1008', 'P1011', 'P1017', 'P2024', 'P2028']);
const CONFLICT_PRISMA_CODES = new Set(['P2034']);

/** Node socket errors (they carry `syscall`) that mean the server is unreachable or dropped us. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
]);

type Node = Record<string, unknown>;

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null;

/** The error and everything it wraps: `cause`, Prisma's `meta.driverAdapterError`, AggregateError's `errors`. */
function* chain(err: unknown): Generator<Node> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 16) {
    const node = queue.shift();
    if (!isObject(node) || seen.has(node)) continue;
    seen.add(node);
    yield node;
    queue.push(node.cause);
    if (isObject(node.meta)) queue.push(node.meta.driverAdapterError);
    if (Array.isArray(node.errors)) queue.push(...(node.errors as unknown[]));
  }
}

/** SQLSTATE carried by a pg error or by a driver-adapter error descriptor (`{ kind: 'postgres', code }` / `originalCode`). */
function sqlState(node: Node): string | undefined {
  if (node instanceof pg.DatabaseError) return node.code;
  if (typeof node.kind === 'string') {
    if (typeof node.originalCode === 'string') return node.originalCode;
    if (node.kind === 'postgres' && typeof node.code === 'string') return node.code;
  }
  return undefined;
}

/** Every SQLSTATE found in the error chain. */
export function sqlStates(err: unknown): string[] {
  const out: string[] = [];
  for (const node of chain(err)) {
    const code = sqlState(node);
    if (code) out.push(code);
  }
  return out;
}

function classifySqlState(code: string): DatabaseFault | null {
  if (CONFLICT_SQLSTATES.has(code)) return 'conflict';
  if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SQLSTATE_CLASSES.has(code.slice(0, 2))) return 'unavailable';
  return null;
}

function classifyNode(node: Node): DatabaseFault | null {
  if (node instanceof DatabaseUnavailableError || node instanceof Prisma.PrismaClientInitializationError) return 'unavailable';
  if (node instanceof Prisma.PrismaClientKnownRequestError) {
    if (CONFLICT_PRISMA_CODES.has(node.code)) return 'conflict';
    if (UNAVAILABLE_PRISMA_CODES.has(node.code)) return 'unavailable';
  }
  if (typeof node.kind === 'string') {
    if (CONFLICT_ADAPTER_KINDS.has(node.kind)) return 'conflict';
    if (UNAVAILABLE_ADAPTER_KINDS.has(node.kind)) return 'unavailable';
  }
  if (typeof node.syscall === 'string' && typeof node.code === 'string' && UNAVAILABLE_SOCKET_CODES.has(node.code)) return 'unavailable';
  const code = sqlState(node);
  return code ? classifySqlState(code) : null;
}

/**
 * 'conflict' for a deadlock or serialization failure (the transaction was rolled back; running it again is safe),
 * 'unavailable' for every other database condition a client should retry later, null for anything else. A conflict
 * anywhere in the chain wins: it is the more specific diagnosis.
 */
export function databaseFault(err: unknown): DatabaseFault | null {
  let fault: DatabaseFault | null = null;
  for (const node of chain(err)) {
    const f = classifyNode(node);
    if (f === 'conflict') return f;
    fault ??= f;
  }
  return fault;
}
