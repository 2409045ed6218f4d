import { createHash } from 'node:crypto';
import { htmlToText } from './html-text.js';
import type { SourceAuthor, SourceRecord, SourceStatus } from './import-records.js';
import { field, xmlRecords, type XmlRecord } from './xml-records.js';

/**
 * Disqus XML export (Admin > Moderation > Export): `<disqus>` holding `<category>`, `<thread dsq:id>` (link,
 * title, the site's identifier in `<id>`) and `<post dsq:id>` (message as HTML, createdAt, isDeleted, isSpam,
 * isApproved where present, author name/email/username/isAnonymous, `<thread dsq:id>`, `<parent dsq:id>`).
 * `<ipAddress>` is never read.
 */

const RECORDS = new Set(['disqus/thread', 'disqus/post']);

const flag = (r: XmlRecord, name: string) => field(r, name)?.toLowerCase() === 'true';

export const hashKey = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);

/** This service's own exports (disqus-export.ts, wxr-export.ts) use its ids: kept, so a re-import adds nothing. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ownId = (id: string | undefined) => (id && UUID.test(id) ? id : undefined);

/** Registered Disqus users by their username; guests by email, else by name (one account per name). */
function author(r: XmlRecord): SourceAuthor {
  const name = field(r, 'author/name') ?? field(r, 'author/username') ?? 'Anonymous';
  const email = field(r, 'author/email')?.toLowerCase();
  const username = field(r, 'author/username');
  const anonymous = flag(r, 'author/isAnonymous') || !username;
  const key = !anonymous ? `user:${username}` : email ? `email:${hashKey(email)}` : `name:${hashKey(name.toLowerCase())}`;
  return { key, name, email, id: anonymous ? undefined : ownId(username) };
}

function status(r: XmlRecord): SourceStatus {
  if (flag(r, 'isSpam')) return 'spam';
  if (field(r, 'isApproved')?.toLowerCase() === 'false') return 'pending';
  return 'approved';
}

export async function* readDisqus(chunks: AsyncIterable<string>): AsyncGenerator<SourceRecord> {
  for await (const r of xmlRecords(chunks, { rootName: 'disqus', recordPaths: RECORDS, formatName: 'Disqus' })) {
    const key = r.attributes['dsq:id'];
    if (!key) {
      yield { kind: 'invalid', reason: `<${r.path.split('/').pop()}> without dsq:id`, place: r.place };
      continue;
    }
    if (r.path === 'disqus/thread') {
      yield { kind: 'thread', key, identifier: field(r, 'id'), url: field(r, 'link'), title: field(r, 'title'), place: r.place };
      continue;
    }
    if (r.tooLarge) {
      yield { kind: 'invalid', key, reason: `<${r.tooLarge}> is longer than the field limit`, place: r.place };
      continue;
    }
    const threadKey = r.fields.get('thread@dsq:id');
    const createdAt = new Date(field(r, 'createdAt') ?? '');
    if (!threadKey) {
      yield { kind: 'invalid', key, reason: 'post without <thread dsq:id>', place: r.place };
      continue;
    }
    if (Number.isNaN(createdAt.getTime())) {
      yield { kind: 'invalid', key, reason: 'post without a valid <createdAt>', place: r.place };
      continue;
    }
    yield {
      kind: 'comment',
      key,
      id: ownId(key),
      threadKey,
      parentKey: r.fields.get('parent@dsq:id') || undefined,
      author: author(r),
      body: htmlToText(r.fields.get('message') ?? ''),
      createdAt,
      status: status(r),
      deleted: flag(r, 'isDeleted') ? true : null,
      place: r.place,
    };
  }
}
