import pg from 'pg';
import { Prisma } from '../../generated/prisma/client.js';
import { databaseFault, DatabaseUnavailableError, sqlStates } from './database-errors.js';

const pgError = (code: string) => Object.assign(new pg.DatabaseError('server said no', 0, 'error'), { code, severity: 'ERROR' });
const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code, syscall: 'connect', errno: -111 });
const prismaError = (code: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError('prisma said no', { code, clientVersion: '7', meta });
/** How Prisma 7 reports a driver-adapter failure: the adapter's descriptor sits in meta.driverAdapterError.cause. */
const adapterError = (cause: Record<string, unknown>) =>
  prismaError('P2010', { driverAdapterError: Object.assign(new Error('adapter'), { name: 'DriverAdapterError', cause }) });

describe('databaseFault', () => {
  const cases: [string, unknown, 'unavailable' | 'conflict' | null][] = [
    [
      'our pool: no connection to be had',
      new DatabaseUnavailableError('no database connection available', { cause: new Error('timeout') }),
      'unavailable',
    ],
    [
      'our pool, wrapped by someone else',
      new Error('outer', { cause: new DatabaseUnavailableError('lost', { cause: null }) }),
      'unavailable',
    ],
    ['pg: admin shutdown (57P01)', pgError('57P01'), 'unavailable'],
    ['pg: crash shutdown (57P02)', pgError('57P02'), 'unavailable'],
    ['pg: starting up (57P03)', pgError('57P03'), 'unavailable'],
    ['pg: statement timeout (57014)', pgError('57014'), 'unavailable'],
    ['pg: lock timeout (55P03)', pgError('55P03'), 'unavailable'],
    ['pg: too many connections (53300)', pgError('53300'), 'unavailable'],
    ['pg: disk full (53100)', pgError('53100'), 'unavailable'],
    ['pg: connection failure (08006)', pgError('08006'), 'unavailable'],
    ['pg: deadlock (40P01)', pgError('40P01'), 'conflict'],
    ['pg: serialization failure (40001)', pgError('40001'), 'conflict'],
    ['pg: unique violation is not a fault', pgError('23505'), null],
    ['pg: invalid text is not a fault', pgError('22021'), null],
    ['socket: refused', socketError('ECONNREFUSED'), 'unavailable'],
    ['socket: reset', socketError('ECONNRESET'), 'unavailable'],
    ['a code without a syscall is not a socket error', Object.assign(new Error('x'), { code: 'ECONNRESET' }), null],
    ['prisma: cannot reach (P1001)', prismaError('P1001'), 'unavailable'],
    ['prisma: pool timeout (P2024)', prismaError('P2024'), 'unavailable'],
    ['prisma: transaction could not start / expired (P2028)', prismaError('P2028', { timeout: 200, timeTaken: 514 }), 'unavailable'],
    ['prisma: write conflict (P2034)', prismaError('P2034'), 'conflict'],
    ['prisma: record not found is not a fault', prismaError('P2025'), null],
    ['prisma init error', new Prisma.PrismaClientInitializationError('cannot init', '7'), 'unavailable'],
    ['adapter: not reachable', adapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 }), 'unavailable'],
    ['adapter: connection closed', adapterError({ kind: 'ConnectionClosed' }), 'unavailable'],
    ['adapter: too many connections', adapterError({ kind: 'TooManyConnections' }), 'unavailable'],
    ['adapter: deadlock', adapterError({ kind: 'TransactionWriteConflict', originalCode: '40P01' }), 'conflict'],
    ['adapter: postgres 57014', adapterError({ kind: 'postgres', code: '57014', originalCode: '57014' }), 'unavailable'],
    ['adapter: postgres unique violation', adapterError({ kind: 'UniqueConstraintViolation', originalCode: '23505' }), null],
    ['aggregate of attempts', new AggregateError([new Error('a'), socketError('ECONNREFUSED')]), 'unavailable'],
    // Decided by class and code only: the very messages pg uses, on a plain Error, are not a database fault.
    ['plain Error worded like pg', new Error('Connection terminated unexpectedly'), null],
    ['plain Error worded like the pool', new Error('timeout exceeded when trying to connect'), null],
    ['not an error at all', 'ECONNREFUSED', null],
  ];

  it.each(cases)('should classify %s', (_what, err, expected) => {
    expect(databaseFault(err)).toBe(expected);
  });

  it('should survive a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(databaseFault(a)).toBeNull();
  });

  it('should prefer a conflict anywhere in the chain', () => {
    expect(databaseFault(new DatabaseUnavailableError('x', { cause: pgError('40P01') }))).toBe('conflict');
  });
});

describe('sqlStates', () => {
  it('should collect the SQLSTATEs of pg errors and driver-adapter descriptors along the chain', () => {
    expect(sqlStates(new Error('outer', { cause: pgError('22021') }))).toEqual(['22021']);
    expect(sqlStates(adapterError({ kind: 'postgres', code: '22P05', originalCode: '22P05' }))).toEqual(['22P05']);
    expect(sqlStates(new Error('no code'))).toEqual([]);
  });
});
