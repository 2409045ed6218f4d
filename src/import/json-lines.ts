import { ImportFileError, type Place } from './import-records.js';

/** A line longer than this (no newline within 16 MB) stops the run instead of growing without bound. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * The lines of a JSON-lines file as they stream in (native, Remark42 and Coral files), each with its 1-based line
 * number; empty lines are left out. Scans each chunk by index (no copy of the rest per line).
 */
export async function* jsonLines(chunks: AsyncIterable<string>): AsyncGenerator<{ text: string; line: number }> {
  let rest = '';
  let line = 0;
  for await (const chunk of chunks) {
    const text = rest ? rest + chunk : chunk;
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      line++;
      const one = text.slice(start, nl);
      if (one.trim()) yield { text: one, line };
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = start ? text.slice(start) : text;
    if (rest.length > MAX_LINE_CHARS) {
      throw new ImportFileError(`a line is longer than ${MAX_LINE_CHARS} characters`, { line: line + 1, column: 1 });
    }
  }
  if (rest.trim()) yield { text: rest, line: line + 1 };
}

/** One JSON object per line; anything else stops the run with the line's place. */
export function parseObjectLine(text: string, place: Place): Record<string, unknown> {
  let rec: unknown;
  try {
    rec = JSON.parse(text);
  } catch (err) {
    throw new ImportFileError(`not a JSON line: ${(err as Error).message}`, place);
  }
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new ImportFileError('not a JSON object', place);
  return rec as Record<string, unknown>;
}

export const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** A date as JSON exports write it: an ISO string, or MongoDB Extended JSON (`{"$date": "…"}` or `{"$date": {"$numberLong": "…"}}`). */
export function jsonDate(v: unknown): Date | undefined {
  let raw: unknown = v;
  if (raw && typeof raw === 'object' && '$date' in raw) {
    raw = raw.$date;
    if (raw && typeof raw === 'object' && '$numberLong' in raw) raw = Number(raw.$numberLong);
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const d = new Date(raw);
  // Go's zero time (0001-01-01) means "not set" in Remark42's files.
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1970 ? undefined : d;
}
