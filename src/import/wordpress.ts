import { hashKey, ownId } from './disqus.js';
import { htmlToText } from './html-text.js';
import type { SourceAuthor, SourceRecord, SourceStatus } from './import-records.js';
import { field, xmlRecords, type XmlRecord } from './xml-records.js';

/**
 * WordPress eXtended RSS (Tools > Export): `<rss><channel><item>` per post (title, link, wp:post_id,
 * wp:post_name) holding `<wp:comment>` elements (comment_id, comment_author, comment_author_email, comment_date_gmt,
 * comment_content as HTML, comment_approved 1/0/spam/trash/post-trashed, comment_type, comment_parent,
 * comment_user_id). Pingbacks and trackbacks are skipped (they are not readers' comments); comment_author_IP is
 * never read.
 */

const ITEM = 'rss/channel/item';
const COMMENT = 'rss/channel/item/wp:comment';
const RECORDS = new Set([ITEM, COMMENT]);

function author(r: XmlRecord): SourceAuthor {
  const name = field(r, 'wp:comment_author') ?? 'Anonymous';
  const email = field(r, 'wp:comment_author_email')?.toLowerCase();
  const userId = field(r, 'wp:comment_user_id');
  const key = userId && userId !== '0' ? `user:${userId}` : email ? `email:${hashKey(email)}` : `name:${hashKey(name.toLowerCase())}`;
  return { key, name, email, id: ownId(userId) };
}

/** `comment_date_gmt` is UTC; exports of old sites carry 0000-00-00 there, then the local `comment_date` is used as UTC. */
function date(r: XmlRecord): Date {
  const gmt = field(r, 'wp:comment_date_gmt');
  const raw = gmt && !gmt.startsWith('0000') ? gmt : field(r, 'wp:comment_date');
  return new Date(`${(raw ?? '').replace(' ', 'T')}Z`);
}

const STATUSES: Record<string, { status: SourceStatus; deleted: boolean }> = {
  '1': { status: 'approved', deleted: false },
  approve: { status: 'approved', deleted: false },
  '0': { status: 'pending', deleted: false },
  hold: { status: 'pending', deleted: false },
  spam: { status: 'spam', deleted: false },
  // Trashed by a moderator: removed, and it was a decision against it.
  trash: { status: 'rejected', deleted: true },
  // Trashed with its post: the comment itself was never judged.
  'post-trashed': { status: 'approved', deleted: true },
};

export async function* readWordpress(chunks: AsyncIterable<string>): AsyncGenerator<SourceRecord> {
  const threadsSent = new Set<string>();
  for await (const r of xmlRecords(chunks, { rootName: 'rss', recordPaths: RECORDS, formatName: 'WordPress WXR' })) {
    if (r.path === ITEM) continue;
    const item = r.outer!;
    const threadKey = field(item, 'wp:post_id');
    const key = field(r, 'wp:comment_id');
    if (!threadKey || !key) {
      yield {
        kind: 'invalid',
        key,
        reason: !key ? '<wp:comment> without <wp:comment_id>' : 'post without <wp:post_id> before its comments',
        place: r.place,
      };
      continue;
    }
    // The post's fields precede its comments in WXR; announced once, with its first comment.
    if (!threadsSent.has(threadKey)) {
      threadsSent.add(threadKey);
      yield {
        kind: 'thread',
        key: threadKey,
        identifier: field(item, 'wp:post_name'),
        url: field(item, 'link'),
        title: field(item, 'title'),
        place: item.place,
      };
    }
    if (r.tooLarge) {
      yield { kind: 'invalid', key, reason: `<${r.tooLarge}> is longer than the field limit`, place: r.place };
      continue;
    }
    const type = field(r, 'wp:comment_type') ?? 'comment';
    if (type !== 'comment') {
      yield { kind: 'skip', key, reason: `${type}: not a reader's comment`, place: r.place };
      continue;
    }
    const approved = field(r, 'wp:comment_approved') ?? '1';
    const mapped = STATUSES[approved];
    if (!mapped) {
      yield { kind: 'invalid', key, reason: `unknown <wp:comment_approved> "${approved}"`, place: r.place };
      continue;
    }
    const createdAt = date(r);
    if (Number.isNaN(createdAt.getTime())) {
      yield { kind: 'invalid', key, reason: 'comment without a valid <wp:comment_date_gmt>', place: r.place };
      continue;
    }
    const parent = field(r, 'wp:comment_parent');
    yield {
      kind: 'comment',
      key,
      id: ownId(key),
      threadKey,
      parentKey: parent && parent !== '0' ? parent : undefined,
      author: author(r),
      body: htmlToText(r.fields.get('wp:comment_content') ?? ''),
      createdAt,
      status: mapped.status,
      deleted: mapped.deleted ? true : null,
      place: r.place,
    };
  }
}
