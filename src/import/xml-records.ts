import { SaxesParser } from 'saxes';
import { ImportFileError, type Place } from './import-records.js';

/**
 * Streams an XML export as flat records, with bounded memory: only the record being read (and its enclosing
 * record, for WXR's comments inside their post) is held. A record is an element the caller names by its path from
 * the root (e.g. `disqus/post`); its fields are the text of its descendants by relative path (`author/name`) and
 * their attributes (`thread@dsq:id`). Malformed XML stops with an ImportFileError naming the line and column.
 */

export interface XmlRecord {
  /** The record element's path from the root, e.g. `rss/channel/item/wp:comment`. */
  path: string;
  attributes: Record<string, string>;
  fields: Map<string, string>;
  place: Place;
  /** The enclosing record (still being read: the fields seen so far), if any. */
  outer?: XmlRecord;
  /** Set when a field was longer than the limit: the record cannot be imported, and its text was not kept. */
  tooLarge?: string;
}

/**
 * A copy of a string that does not keep the parser's input alive. Text from the parser is a slice of the chunk it
 * was read from; an id or a name kept for the whole run (an author's key, a thread) would keep its chunk in memory
 * with it: a 200,000-comment import grew past 300 MB that way. Slicing a fresh concatenation flattens it first.
 */
const own = (s: string): string => (s + ' ').slice(0, -1);

/** The longest text kept for one field; a comment's body is limited far below this (5,000 characters). */
export const MAX_FIELD_CHARS = 1_000_000;

interface Open {
  record: XmlRecord;
  depth: number;
}

/**
 * Yields every element whose path is in `recordPaths`, when it closes (nested records close first). `rootName`
 * is checked on the first element, so a file of another format stops at once with a clear message.
 */
export async function* xmlRecords(
  chunks: AsyncIterable<string>,
  opts: { rootName: string; recordPaths: ReadonlySet<string>; formatName: string },
): AsyncGenerator<XmlRecord> {
  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  const open: Open[] = [];
  const ready: XmlRecord[] = [];
  let sawRoot = false;
  const place = (): Place => ({ line: parser.line, column: parser.column });

  parser.on('error', (err) => {
    // saxes prefixes its messages with "line:column: ".
    throw new ImportFileError(`malformed XML: ${err.message.replace(/^\d+:\d+: /, '')}`, place());
  });
  parser.on('opentag', (tag) => {
    if (!sawRoot) {
      sawRoot = true;
      if (tag.name !== opts.rootName) {
        throw new ImportFileError(
          `not a ${opts.formatName} export: the root element is <${tag.name}>, expected <${opts.rootName}>`,
          place(),
        );
      }
    }
    stack.push(tag.name);
    const path = stack.join('/');
    const attributes = tag.attributes as Record<string, string>;
    if (opts.recordPaths.has(path)) {
      const record: XmlRecord = { path, attributes, fields: new Map(), place: place(), outer: open.at(-1)?.record };
      open.push({ record, depth: stack.length });
      return;
    }
    const current = open.at(-1);
    if (!current) return;
    const rel = stack.slice(current.depth).join('/');
    for (const [name, value] of Object.entries(attributes)) current.record.fields.set(`${rel}@${name}`, value);
  });
  const onText = (text: string) => {
    const current = open.at(-1);
    if (!current) return;
    const rel = stack.slice(current.depth).join('/');
    const before = current.record.fields.get(rel) ?? '';
    if (current.record.tooLarge) return;
    if (before.length + text.length > MAX_FIELD_CHARS) {
      current.record.tooLarge = rel || stack.at(-1)!;
      current.record.fields.delete(rel);
      return;
    }
    current.record.fields.set(rel, before + text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const current = open.at(-1);
    if (current && current.depth === stack.length) {
      open.pop();
      const r = current.record;
      for (const [k, v] of r.fields) r.fields.set(k, own(v));
      for (const k of Object.keys(r.attributes)) r.attributes[k] = own(r.attributes[k]);
      ready.push(r);
    }
    stack.pop();
  });

  for await (const chunk of chunks) {
    parser.write(chunk);
    if (ready.length) yield* ready.splice(0);
  }
  parser.close();
  if (!sawRoot) throw new ImportFileError(`not a ${opts.formatName} export: the file is empty`);
  yield* ready.splice(0);
}

/** A field's text, trimmed; undefined when absent or blank. */
export function field(record: XmlRecord, name: string): string | undefined {
  const v = record.fields.get(name)?.trim();
  return v ? v : undefined;
}
