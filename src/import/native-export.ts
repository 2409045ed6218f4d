import type pg from 'pg';
import {
  NATIVE_FORMAT,
  NATIVE_VERSION,
  type NativeArticle,
  type NativeAuthor,
  type NativeComment,
  type NativeHeader,
} from './native-format.js';

/**
 * The whole site in the native format (native-format.ts), one line at a time, with bounded memory: articles, the
 * accounts that wrote comments, then every comment (all statuses, deleted ones included) oldest first, read in
 * keyset pages. Passwords, sessions, IP addresses, reports and moderation history are not exported.
 */

const PAGE = 2000;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function* exportNative(pool: pg.Pool): AsyncGenerator<string> {
  const counts = await pool.query<{ articles: number; authors: number; comments: number }>(
    `SELECT (SELECT count(*)::int FROM articles) AS articles,
            (SELECT count(DISTINCT author_id)::int FROM comments) AS authors,
            (SELECT count(*)::int FROM comments) AS comments`,
  );
  const header: NativeHeader = {
    type: 'header',
    format: NATIVE_FORMAT,
    version: NATIVE_VERSION,
    exportedAt: new Date().toISOString(),
    counts: counts.rows[0],
  };
  yield JSON.stringify(header) + '\n';

  for await (const a of pages<{
    id: string;
    slug: string;
    title: string;
    url: string | null;
    language: string;
    published_at: Date;
    import_key: string | null;
  }>(pool, 'SELECT id, slug, title, url, language, published_at, import_key FROM articles WHERE id > $1 ORDER BY id LIMIT $2')) {
    const line: NativeArticle = {
      type: 'article',
      key: a.import_key ?? `native:${a.id}`,
      id: a.id,
      slug: a.slug,
      title: a.title,
      url: a.url,
      language: a.language,
      publishedAt: a.published_at.toISOString(),
    };
    yield JSON.stringify(line) + '\n';
  }

  for await (const u of pages<{
    id: string;
    username: string;
    display_name: string | null;
    email: string | null;
    import_key: string | null;
  }>(
    pool,
    `SELECT id, username, display_name, coalesce(email, claim_email) AS email, import_key FROM users u
     WHERE id > $1 AND EXISTS (SELECT 1 FROM comments c WHERE c.author_id = u.id) ORDER BY id LIMIT $2`,
  )) {
    const line: NativeAuthor = {
      type: 'author',
      key: u.import_key ?? `native:${u.id}`,
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      email: u.email,
    };
    yield JSON.stringify(line) + '\n';
  }

  // Oldest first, so a parent comes before its replies (a reply is always newer than what it answers).
  let after: { t: Date; id: string } = { t: new Date(0), id: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const { rows } = await pool.query<{
      id: string;
      key: string;
      article_key: string;
      author_key: string;
      parent_key: string | null;
      body: string;
      status: NativeComment['status'];
      created_at: Date;
      edited_at: Date | null;
      deleted_at: Date | null;
    }>(
      `SELECT c.id, coalesce(c.import_key, 'native:' || c.id) AS key,
              coalesce(a.import_key, 'native:' || a.id) AS article_key,
              coalesce(u.import_key, 'native:' || u.id) AS author_key,
              CASE WHEN c.parent_id IS NULL THEN NULL ELSE coalesce(p.import_key, 'native:' || p.id) END AS parent_key,
              c.body, c.status, c.created_at, c.edited_at, c.deleted_at
       FROM comments c
       JOIN articles a ON a.id = c.article_id
       JOIN users u ON u.id = c.author_id
       LEFT JOIN comments p ON p.id = c.parent_id
       WHERE (c.created_at, c.id) > ($1, $2::uuid)
       ORDER BY c.created_at, c.id
       LIMIT $3`,
      [after.t, after.id, PAGE],
    );
    for (const c of rows) {
      const line: NativeComment = {
        type: 'comment',
        key: c.key,
        id: c.id,
        articleKey: c.article_key,
        authorKey: c.author_key,
        parentKey: c.parent_key,
        body: c.body,
        status: c.status,
        createdAt: c.created_at.toISOString(),
        editedAt: iso(c.edited_at),
        deletedAt: iso(c.deleted_at),
      };
      yield JSON.stringify(line) + '\n';
    }
    if (rows.length < PAGE) break;
    const last = rows.at(-1)!;
    after = { t: last.created_at, id: last.id };
  }
}

/** Keyset pages by id of a query taking ($1 = last id, $2 = page size). */
async function* pages<R extends { id: string }>(pool: pg.Pool, sql: string): AsyncGenerator<R> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await pool.query<R>(sql, [after, PAGE]);
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.id;
  }
}
