import pg from 'pg';
import { databaseFault } from '../common/errors/database-errors.js';
import type { Prisma } from '../generated/prisma/client.js';
import { nameFor, type Queryable } from './sql.js';

/**
 * Where a statement runs: the pg pool (autocommit), or the caller's transaction (a Prisma transaction client from
 * PrismaService.transaction). The table owners' writers (audit log, domain events, sessions, comment state) take a
 * `Db`, so a caller can put their rows into its own transaction.
 */
export type Db = Queryable | Prisma.TransactionClient;

/** One SQL statement on any Db; rows as the driver returns them. */
export async function query<R>(db: Db, text: string, values: unknown[]): Promise<R[]> {
  if ('$queryRawUnsafe' in db) return db.$queryRawUnsafe<R[]>(text, ...values);
  // A small, fixed set of statement shapes: prepared once per connection, then only bound and executed.
  const config = { name: nameFor('state', text), text, values };
  try {
    return (await db.query(config)).rows as R[];
  } catch (err) {
    // One statement on the pool commits or rolls back by itself: after losing a deadlock it can simply run again
    // (once, like PrismaService.transaction). Inside a caller's transaction the caller decides.
    if (!(db instanceof pg.Pool) || databaseFault(err) !== 'conflict') throw err;
    return (await db.query(config)).rows as R[];
  }
}
