import type pg from 'pg';
import { cdata, siteArticles, siteComments, xmlEscape } from './site-rows.js';

/**
 * The whole site as WordPress eXtended RSS 1.2 (the format wordpress.ts reads, and WordPress's importer takes): an
 * `<item>` per article (`wp:post_id` its id, `wp:post_name` its slug, `link` its URL), holding its comments oldest
 * first. `wp:comment_approved`: approved → 1, pending → 0, spam → `spam`, rejected → `trash`, deleted otherwise →
 * `post-trashed`. `wp:comment_user_id` is this service's account id (one account per author on re-import); dates
 * are GMT to the second, as WXR has them. Streamed: one article's page of comments at a time.
 */

const wpDate = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

function approved(c: { status: string; deleted_at: Date | null }): string {
  if (c.status === 'spam') return 'spam';
  if (c.status === 'rejected') return 'trash';
  if (c.deleted_at) return 'post-trashed';
  return c.status === 'pending' ? '0' : '1';
}

export async function* exportWxr(pool: pg.Pool, site = 'newsroom'): AsyncGenerator<string> {
  yield (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" ' +
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
    'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n' +
    `  <title>${xmlEscape(site)}</title>\n  <wp:wxr_version>1.2</wp:wxr_version>\n`
  );
  for await (const a of siteArticles(pool)) {
    yield (
      `  <item><title>${xmlEscape(a.title)}</title><link>${xmlEscape(a.url ?? '')}</link>` +
      `<wp:post_id>${a.id}</wp:post_id><wp:post_date_gmt>${wpDate(a.published_at)}</wp:post_date_gmt>` +
      `<wp:post_name>${xmlEscape(a.slug)}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n`
    );
    for await (const c of siteComments(pool, a.id)) {
      yield (
        `    <wp:comment><wp:comment_id>${c.id}</wp:comment_id>` +
        `<wp:comment_author>${cdata(c.display_name ?? c.username)}</wp:comment_author>` +
        `<wp:comment_author_email>${xmlEscape(c.email ?? '')}</wp:comment_author_email>` +
        `<wp:comment_date>${wpDate(c.created_at)}</wp:comment_date><wp:comment_date_gmt>${wpDate(c.created_at)}</wp:comment_date_gmt>` +
        `<wp:comment_content>${cdata(xmlEscape(c.body))}</wp:comment_content><wp:comment_approved>${approved(c)}</wp:comment_approved>` +
        `<wp:comment_type>comment</wp:comment_type><wp:comment_parent>${c.parent_id ?? '0'}</wp:comment_parent>` +
        `<wp:comment_user_id>${c.author_id}</wp:comment_user_id></wp:comment>\n`
      );
    }
    yield '  </item>\n';
  }
  yield '</channel>\n</rss>\n';
}
