/**
 * What a source file is read into, whatever its format (Disqus XML, WordPress WXR, this service's native JSON
 * lines): threads (the pages comments were written under), comments with their author, and records that are
 * deliberately left out or cannot be read. The readers (disqus.ts, wordpress.ts, native.ts) yield these in file
 * order; the importer (importer.ts) writes them.
 */

export const IMPORT_FORMATS = ['disqus', 'wordpress', 'coral', 'remark42', 'native'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Where a record starts in the file: 1-based line and column (JSON lines: column 1). */
export interface Place {
  line: number;
  column: number;
}

export const formatPlace = (p: Place): string => `line ${p.line}, column ${p.column}`;

/** A page comments were written under. `key` is unique per source file (Disqus thread id, WordPress post id). */
export interface SourceThread {
  kind: 'thread';
  key: string;
  /** The source's own identifier of the page (Disqus `<id>`, a slug); matched against article slugs. */
  identifier?: string;
  /** The slug to give a created article (native exports carry it); otherwise derived from the URL or title. */
  slug?: string;
  url?: string;
  title?: string;
  /** Article fields a native export carries; stubs get the defaults otherwise. */
  language?: string;
  publishedAt?: Date;
  place: Place;
}

/** The author of an imported comment; `key` identifies the same person across comments of one source. */
export interface SourceAuthor {
  key: string;
  /** This service's own id (native exports): kept, so the same file imported into its own database adds nothing. */
  id?: string;
  /** A username to keep if it is free (native exports); otherwise one is derived from the name. */
  username?: string;
  name: string;
  /** Kept as the unclaimed account's claim address (lower case), never as a login. */
  email?: string;
}

/** deleted is separate: a deleted comment keeps the status it had (docs/import-export.md). */
export type SourceStatus = 'approved' | 'pending' | 'rejected' | 'spam';

export interface SourceComment {
  kind: 'comment';
  key: string;
  /** This service's own id (native exports), kept when free. */
  id?: string;
  threadKey: string;
  parentKey?: string;
  author: SourceAuthor;
  /** Plain text already (the readers convert HTML); checked against the length limit by the importer. */
  body: string;
  createdAt: Date;
  status: SourceStatus;
  /** When it was deleted, if it was; `true` when the source says deleted without a time. */
  deleted: Date | true | null;
  editedAt?: Date | null;
  place: Place;
}

/** A record read but not imported: on purpose (pingbacks, trackbacks) or because it cannot be (a reason given). */
export interface SourceProblem {
  kind: 'skip' | 'invalid';
  key?: string;
  reason: string;
  place: Place;
}

export type SourceRecord = SourceThread | SourceComment | SourceProblem;

/** The file cannot be read on from here (malformed XML, wrong encoding, not this format): the run stops. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  constructor(
    message: string,
    readonly place?: Place,
  ) {
    super(place ? `${message} (${formatPlace(place)})` : message);
  }
}
