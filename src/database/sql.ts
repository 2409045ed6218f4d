import { hash } from 'node:crypto';
import type pg from 'pg';

/**
 * Raw SQL through the application's own pg pool: named (prepared) statements, typed parameters and rows.
 * PostgreSQL parses and plans a named statement once per pooled connection; later calls only bind and execute.
 */
export interface Statement<P extends readonly unknown[], R> {
  readonly name: string;
  readonly text: string;
  /** Phantom: carries the parameter and row types. */
  readonly types?: (params: P) => R;
}

export function statement<P extends readonly unknown[], R>(name: string, text: string): Statement<P, R> {
  return { name, text };
}

/** A pool (one statement, autocommit) or a checked-out client (inside BEGIN … COMMIT). */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export async function run<P extends readonly unknown[], R>(db: Queryable, s: Statement<P, R>, params: P): Promise<R[]> {
  const result = await db.query<R & pg.QueryResultRow>({ name: s.name, text: s.text, values: params as unknown as unknown[] });
  return result.rows;
}

export async function one<P extends readonly unknown[], R>(db: Queryable, s: Statement<P, R>, params: P): Promise<R | undefined> {
  return (await run(db, s, params))[0];
}

/** Collects parameters while SQL text is assembled: `p(value, 'uuid')` appends and returns `$n::uuid`. */
export class SqlParams {
  readonly values: unknown[] = [];

  p(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

const names = new Map<string, string>();

/**
 * A stable prepared-statement name for generated SQL text (one per distinct text). Generated statements come in a
 * small, fixed set of shapes, so the names are remembered rather than hashed on every call.
 */
export function nameFor(prefix: string, text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `${prefix}:${hash('sha1', text, 'base64url').slice(0, 16)}`;
    if (names.size < 1_000) names.set(text, name);
  }
  return name;
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ`, exactly what Date#toISOString gives, for a timestamptz(3) expression. */
export const isoUtc = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
