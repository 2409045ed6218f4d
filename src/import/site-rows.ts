import type pg from 'pg';
import type { SourceStatus } from './import-records.js';

/**
 * The whole site read for an export, in keyset pages of PAGE rows (bounded memory whatever its size): articles by
 * id, comments oldest first (so a parent comes before its replies), with their author.
 */

export const PAGE = 2000;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export interface SiteArticle {
  id: string;
  slug: string;
  title: string;
  url: string | null;
  language: string;
  published_at: Date;
  import_key: string | null;
}

export interface SiteComment {
  id: string;
  article_id: string;
  parent_id: string | null;
  body: string;
  status: SourceStatus;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  author_id: string;
  username: string;
  display_name: string | null;
  email: string | null;
}

export async function* siteArticles(pool: pg.Pool): AsyncGenerator<SiteArticle> {
  let after = ZERO_UUID;
  for (;;) {
    const { rows } = await pool.query<SiteArticle>(
      'SELECT id, slug, title, url, language, published_at, import_key FROM articles WHERE id > $1 ORDER BY id LIMIT $2',
      [after, PAGE],
    );
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.id;
  }
}

/** Every comment (all statuses, deleted ones too), oldest first; only one article's when `articleId` is given. */
export async function* siteComments(pool: pg.Pool, articleId?: string): AsyncGenerator<SiteComment> {
  let after: { t: Date; id: string } = { t: new Date(0), id: ZERO_UUID };
  for (;;) {
    const { rows } = await pool.query<SiteComment>(
      `SELECT c.id, c.article_id, c.parent_id, c.body, c.status, c.created_at, c.edited_at, c.deleted_at,
              u.id AS author_id, u.username, u.display_name, coalesce(u.email, u.claim_email) AS email
       FROM comments c JOIN users u ON u.id = c.author_id
       WHERE (c.created_at, c.id) > ($1, $2::uuid) AND ($4::uuid IS NULL OR c.article_id = $4::uuid)
       ORDER BY c.created_at, c.id
       LIMIT $3`,
      [after.t, after.id, PAGE, articleId ?? null],
    );
    yield* rows;
    if (rows.length < PAGE) return;
    const last = rows.at(-1)!;
    after = { t: last.created_at, id: last.id };
  }
}

/** Text for XML element content and attributes. */
export const xmlEscape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A CDATA section holding any text (a `]]>` inside is split across two sections). */
export const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** This service's plain text as the HTML a comment system stores: escaped, line breaks as `<br>`. */
export const textToHtml = (s: string) => xmlEscape(s).replace(/\n/g, '<br>');
