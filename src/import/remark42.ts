import { hashKey } from './disqus.js';
import { htmlToText } from './html-text.js';
import { ImportFileError, type SourceAuthor, type SourceRecord } from './import-records.js';
import { isText, jsonDate, jsonLines, parseObjectLine } from './json-lines.js';

/**
 * Remark42's backup (`remark42 backup`, the admin's export, or the daily `backup-<site>-<date>.gz` once
 * gunzipped; backend/app/migrator/native.go): JSON lines, the first `{"version":1,"users":[…],"posts":[…]}` (users'
 * blocked/verified flags, read-only posts), then one comment per line:
 *   {"id":"uuid","pid":"parent id or empty","text":"<p>HTML</p>","orig":"markdown","user":{"name","id","picture",
 *    "ip","admin","block","verified"},"locator":{"site":"…","url":"https://…"},"score":0,"votes":{…},
 *    "time":"RFC 3339","edit":{"time","summary"},"pin":false,"delete":false,"title":"post title"}
 * A thread is a post URL (its title from its comments). Remark42 publishes at once, so a comment is approved; a
 * comment of a user blocked in the meta line is rejected (Remark42 hides them); `delete` is deleted. `user.ip`
 * (a hash), votes, score, pins and pictures are never read. Remark42 keeps no e-mail addresses: its accounts can be
 * claimed only by an admin's hand, not by a matching SSO address.
 */

interface Meta {
  blocked: Set<string>;
}

function readMeta(rec: Record<string, unknown>, line: number): Meta {
  const version = rec.version;
  if (!('version' in rec) || !('users' in rec || 'posts' in rec) || typeof version !== 'number') {
    throw new ImportFileError('not a Remark42 backup: the first line must be {"version":1,"users":[…],"posts":[…]}', { line, column: 1 });
  }
  if (version !== 0 && version !== 1) {
    throw new ImportFileError(`Remark42 backup version ${version} is not supported (this service reads 0 and 1)`, { line, column: 1 });
  }
  const blocked = new Set<string>();
  for (const u of Array.isArray(rec.users) ? (rec.users as Record<string, unknown>[]) : []) {
    const b = u?.blocked as { status?: unknown; until?: unknown } | undefined;
    if (isText(u?.id) && b?.status === true) blocked.add(u.id);
  }
  return { blocked };
}

/** Remark42's user ids carry their provider (`github_…`, `google_…`, `email_…`, `anonymous_…`); one account per id. */
function author(user: Record<string, unknown>): SourceAuthor {
  const id = isText(user.id) ? user.id : '';
  const name = isText(user.name) ? user.name : 'Anonymous';
  // A hard-deleted comment's user is `deleted`; an account-less record is told apart by its name.
  if (!id || id === 'deleted') return { key: `name:${hashKey(name.toLowerCase())}`, name };
  return { key: `user:${id}`, name };
}

export async function* readRemark42(chunks: AsyncIterable<string>): AsyncGenerator<SourceRecord> {
  let meta: Meta | undefined;
  const threads = new Set<string>();
  for await (const { text, line } of jsonLines(chunks)) {
    const place = { line, column: 1 };
    const rec = parseObjectLine(text, place);
    if (!meta) {
      meta = readMeta(rec, line);
      continue;
    }
    const key = rec.id;
    if (!isText(key)) {
      yield { kind: 'invalid', reason: 'comment without "id"', place };
      continue;
    }
    const locator = rec.locator as { url?: unknown } | undefined;
    const url = isText(locator?.url) ? locator.url : undefined;
    const createdAt = jsonDate(rec.time);
    const user = rec.user && typeof rec.user === 'object' ? (rec.user as Record<string, unknown>) : undefined;
    const problem = !url
      ? 'comment without "locator.url"'
      : !createdAt
        ? 'comment without a valid "time"'
        : !user
          ? 'comment without "user"'
          : typeof rec.text !== 'string'
            ? 'comment without "text"'
            : undefined;
    if (problem) {
      yield { kind: 'invalid', key, reason: problem, place };
      continue;
    }
    // Remark42 has no thread records: a post is announced with its first comment.
    if (!threads.has(url!)) {
      threads.add(url!);
      yield { kind: 'thread', key: url!, url, title: isText(rec.title) ? rec.title : undefined, place };
    }
    const a = author(user!);
    const edit = rec.edit as { time?: unknown } | undefined;
    yield {
      kind: 'comment',
      key,
      threadKey: url!,
      parentKey: isText(rec.pid) ? rec.pid : undefined,
      author: a,
      body: htmlToText(rec.text as string),
      createdAt: createdAt!,
      status: isText(user!.id) && meta.blocked.has(user!.id) ? 'rejected' : 'approved',
      deleted: rec.delete === true ? true : null,
      editedAt: jsonDate(edit?.time) ?? null,
      place,
    };
  }
  if (!meta) throw new ImportFileError('not a Remark42 backup: the file is empty');
}
