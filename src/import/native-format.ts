import { ImportFileError, type SourceAuthor, type SourceRecord, type SourceStatus } from './import-records.js';
import { jsonLines, parseObjectLine } from './json-lines.js';

/**
 * The native format (docs/import-export.md): JSON lines, UTF-8, one object per line, in this order: a header, the
 * articles, the authors, the comments (oldest first, so parents come before replies). Version 1:
 *
 *   {"type":"header","format":"newsroom-comments","version":1,"exportedAt":"…","counts":{"articles":n,"authors":n,"comments":n}}
 *   {"type":"article","key":"…","id":"uuid","slug":"…","title":"…","url":"…"|null,"language":"bg","publishedAt":"…"}
 *   {"type":"author","key":"…","id":"uuid","username":"…","displayName":"…"|null,"email":"…"|null}
 *   {"type":"comment","key":"…","id":"uuid","articleKey":"…","authorKey":"…","parentKey":"…"|null,"body":"…",
 *    "status":"approved|pending|rejected|spam","createdAt":"…","editedAt":"…"|null,"deletedAt":"…"|null}
 *
 * `key` is the record's import key: the one it was imported with (`disqus:123`), else `native:<id>`; references
 * name keys, so a reader needs no lookup table. Importing keeps the ids, so a file imported twice, or into the
 * database it came from, adds nothing.
 */
export const NATIVE_FORMAT = 'newsroom-comments';
export const NATIVE_VERSION = 1;

export interface NativeHeader {
  type: 'header';
  format: typeof NATIVE_FORMAT;
  version: number;
  exportedAt: string;
  counts: { articles: number; authors: number; comments: number };
}
export interface NativeArticle {
  type: 'article';
  key: string;
  id: string;
  slug: string;
  title: string;
  url: string | null;
  language: string;
  publishedAt: string;
}
export interface NativeAuthor {
  type: 'author';
  key: string;
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
}
export interface NativeComment {
  type: 'comment';
  key: string;
  id: string;
  articleKey: string;
  authorKey: string;
  parentKey: string | null;
  body: string;
  status: SourceStatus;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}
export type NativeLine = NativeHeader | NativeArticle | NativeAuthor | NativeComment;

const STATUSES = new Set<string>(['approved', 'pending', 'rejected', 'spam']);
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const date = (v: unknown): Date | undefined => {
  const d = typeof v === 'string' ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
};

export async function* readNative(chunks: AsyncIterable<string>): AsyncGenerator<SourceRecord> {
  const authors = new Map<string, SourceAuthor>();
  let header = false;
  for await (const { text, line } of jsonLines(chunks)) {
    const place = { line, column: 1 };
    const rec = parseObjectLine(text, place);
    if (!header) {
      if (rec.type !== 'header' || rec.format !== NATIVE_FORMAT) {
        throw new ImportFileError(`not a native export: the first line must be {"type":"header","format":"${NATIVE_FORMAT}",…}`, place);
      }
      if (rec.version !== NATIVE_VERSION) {
        throw new ImportFileError(
          `native export version ${String(rec.version)} is not supported (this service reads version ${NATIVE_VERSION})`,
          place,
        );
      }
      header = true;
      continue;
    }
    const key = rec.key;
    if (!str(key)) {
      yield { kind: 'invalid', reason: 'record without "key"', place };
      continue;
    }
    switch (rec.type) {
      case 'article':
        yield {
          kind: 'thread',
          key,
          identifier: str(rec.slug) ? rec.slug : undefined,
          slug: str(rec.slug) ? rec.slug : undefined,
          url: str(rec.url) ? rec.url : undefined,
          title: str(rec.title) ? rec.title : undefined,
          language: str(rec.language) ? rec.language : undefined,
          publishedAt: date(rec.publishedAt),
          place,
        };
        break;
      case 'author':
        authors.set(key, {
          key,
          id: str(rec.id) ? rec.id : undefined,
          name: str(rec.displayName) ? rec.displayName : str(rec.username) ? rec.username : 'Anonymous',
          email: str(rec.email) ? rec.email.toLowerCase() : undefined,
          username: str(rec.username) ? rec.username : undefined,
        });
        break;
      case 'comment': {
        const author = str(rec.authorKey) ? authors.get(rec.authorKey) : undefined;
        const createdAt = date(rec.createdAt);
        const problem = !author
          ? 'its authorKey names no author record above it'
          : !str(rec.articleKey)
            ? 'comment without "articleKey"'
            : !createdAt
              ? 'comment without a valid "createdAt"'
              : typeof rec.status !== 'string' || !STATUSES.has(rec.status)
                ? `unknown status ${JSON.stringify(rec.status)}`
                : typeof rec.body !== 'string'
                  ? 'comment without "body"'
                  : undefined;
        if (problem) {
          yield { kind: 'invalid', key, reason: problem, place };
          break;
        }
        yield {
          kind: 'comment',
          key,
          id: str(rec.id) ? rec.id : undefined,
          threadKey: rec.articleKey as string,
          parentKey: str(rec.parentKey) ? rec.parentKey : undefined,
          author: author!,
          body: rec.body as string,
          createdAt: createdAt!,
          status: rec.status as SourceStatus,
          deleted: date(rec.deletedAt) ?? null,
          editedAt: date(rec.editedAt) ?? null,
          place,
        };
        break;
      }
      default:
        yield { kind: 'invalid', key, reason: `unknown record type ${JSON.stringify(rec.type)}`, place };
    }
  }
  if (!header) throw new ImportFileError('not a native export: the file is empty');
}
