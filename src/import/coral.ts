import { htmlToText } from './html-text.js';
import { ImportFileError, type SourceAuthor, type SourceRecord, type SourceStatus } from './import-records.js';
import { isText, jsonDate, jsonLines, parseObjectLine } from './json-lines.js';

/**
 * Coral (coralproject/talk 5 and later) as its data leaves it: its MongoDB collections exported as JSON lines
 * (`mongoexport` of `stories`, `users` and `comments`, concatenated in that order into one file; Extended JSON
 * dates such as `{"$date":"…"}` are read). What is read:
 *   story:   {"id","url","metadata":{"title","publishedAt"},"createdAt"}
 *   user:    {"id","username","email","createdAt","deletedAt"}
 *   comment: {"id","storyID","authorID"|null,"parentID","revisions":[{"body":"HTML","createdAt"}],"status",
 *             "actionCounts":{"FLAG__COMMENT_DETECTED_SPAM":n,…},"createdAt","deletedAt"}
 * The kind of a line is told by its fields (a comment has `storyID`, a story `url`, a user `username` or
 * `profiles`); any other line (settings, actions, sites) is skipped without a mention. Statuses: NONE (published
 * without pre-moderation) and APPROVED → approved; PREMOD and SYSTEM_WITHHELD → pending; REJECTED → rejected; a
 * withheld or rejected comment Coral's spam detection flagged → spam. The body is the last revision's; an earlier
 * revision makes the comment edited (at the last revision's time). IP addresses are not in these collections;
 * actions (reactions, flags), tags and ratings are not read.
 */

const SPAM_FLAG = 'FLAG__COMMENT_DETECTED_SPAM';
/** Coral lets an account be deleted and keeps its comments without an author: they share one account here. */
const DELETED_AUTHOR: SourceAuthor = { key: 'deleted', name: 'Deleted account' };

function status(rec: Record<string, unknown>): SourceStatus | undefined {
  const counts = rec.actionCounts && typeof rec.actionCounts === 'object' ? (rec.actionCounts as Record<string, unknown>) : {};
  const spam = typeof counts[SPAM_FLAG] === 'number' && counts[SPAM_FLAG] > 0;
  switch (rec.status) {
    case 'NONE':
    case 'APPROVED':
      return 'approved';
    case 'PREMOD':
    case 'SYSTEM_WITHHELD':
      return spam ? 'spam' : 'pending';
    case 'REJECTED':
      return spam ? 'spam' : 'rejected';
    default:
      return undefined;
  }
}

export async function* readCoral(chunks: AsyncIterable<string>): AsyncGenerator<SourceRecord> {
  const users = new Map<string, SourceAuthor>();
  let any = false;
  for await (const { text, line } of jsonLines(chunks)) {
    const place = { line, column: 1 };
    const rec = parseObjectLine(text, place);
    const id = rec.id;
    const isComment = 'storyID' in rec;
    const isStory = !isComment && isText(rec.url);
    const isUser = !isComment && !isStory && ('username' in rec || 'profiles' in rec);
    if (!any && !isComment && !isStory && !isUser) {
      throw new ImportFileError('not a Coral export: expected a story, user or comment document (mongoexport JSON lines)', place);
    }
    any = true;
    if (!isText(id)) {
      if (isComment || isStory || isUser) yield { kind: 'invalid', reason: 'document without "id"', place };
      continue;
    }
    if (isStory) {
      const metadata = rec.metadata && typeof rec.metadata === 'object' ? (rec.metadata as Record<string, unknown>) : {};
      yield {
        kind: 'thread',
        key: id,
        url: rec.url as string,
        title: isText(metadata.title) ? metadata.title : undefined,
        publishedAt: jsonDate(metadata.publishedAt),
        place,
      };
      continue;
    }
    if (isUser) {
      const name = isText(rec.username) ? rec.username : 'Anonymous';
      users.set(id, { key: `user:${id}`, name, email: isText(rec.email) ? rec.email.toLowerCase() : undefined });
      continue;
    }
    if (!isComment) continue;
    const revisions = Array.isArray(rec.revisions) ? (rec.revisions as Record<string, unknown>[]) : [];
    const last = revisions.at(-1);
    const createdAt = jsonDate(rec.createdAt);
    const mapped = status(rec);
    // Coral blanks a deleted comment's revisions (body null).
    const deletedAt = jsonDate(rec.deletedAt);
    const author =
      rec.authorID === null || rec.authorID === undefined ? DELETED_AUTHOR : isText(rec.authorID) ? users.get(rec.authorID) : undefined;
    const problem = !isText(rec.storyID)
      ? 'comment without "storyID"'
      : !author
        ? `its authorID ${JSON.stringify(rec.authorID)} names no user above it (users must come before comments)`
        : !createdAt
          ? 'comment without a valid "createdAt"'
          : !mapped
            ? `unknown status ${JSON.stringify(rec.status)}`
            : !last || (typeof last.body !== 'string' && !deletedAt)
              ? 'comment without a revision body'
              : undefined;
    if (problem) {
      yield { kind: 'invalid', key: id, reason: problem, place };
      continue;
    }
    yield {
      kind: 'comment',
      key: id,
      threadKey: rec.storyID as string,
      parentKey: isText(rec.parentID) ? rec.parentID : undefined,
      author: author!,
      body: typeof last?.body === 'string' ? htmlToText(last.body) : '',
      createdAt: createdAt!,
      status: mapped!,
      deleted: deletedAt ?? null,
      editedAt: revisions.length > 1 ? (jsonDate(last?.createdAt) ?? null) : null,
      place,
    };
  }
  if (!any) throw new ImportFileError('not a Coral export: the file is empty');
}
