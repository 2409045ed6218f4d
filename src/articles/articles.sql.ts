import { keysetPage, type PageRow } from '../database/json-pages.js';
import { isoUtc, statement } from '../database/sql.js';

/**
 * The prepared statements on `articles`: the article, the article list and the comment counts (the counter column,
 * kept exact by the comment core in the same statement as every visibility change). Plain data, so
 * `bench/raw-floor.mjs` runs exactly these statements too.
 */

const articleJson = (a = 'a') => `json_build_object(
  'id', ${a}.id, 'slug', ${a}.slug, 'title', ${a}.title, 'language', ${a}.language, 'blocks', ${a}.blocks,
  'commentCount', ${a}.approved_comment_count, 'commentsOpen', ${a}.comments_open, 'moderation', ${a}.moderation_mode,
  'publishedAt', ${isoUtc(`${a}.published_at`)}, 'url', ${a}.url, 'externalId', ${a}.external_id, 'updatedAt', ${isoUtc(`${a}.updated_at`)})`;

export const articleSummaryJson = (a = 'p') => `json_build_object(
  'id', ${a}.id, 'slug', ${a}.slug, 'title', ${a}.title, 'language', ${a}.language,
  'commentCount', ${a}.approved_comment_count, 'commentsOpen', ${a}.comments_open, 'publishedAt', ${isoUtc(`${a}.published_at`)},
  'url', ${a}.url, 'externalId', ${a}.external_id)`;

export const ARTICLE = statement<[slug: string], { json: string }>(
  'read:article',
  `SELECT json_build_object('article', ${articleJson('a')})::text AS json FROM articles a WHERE a.slug = $1`,
);

/** Newest first. Params: last key (published_at, id) or FIRST_PAGE_KEY.desc, page size. */
export const ARTICLE_PAGE = statement<[t: string, id: string, limit: number], PageRow>(
  'read:article-page',
  keysetPage({
    rows: `SELECT a.id, a.slug, a.title, a.language, a.approved_comment_count, a.comments_open, a.published_at, a.url, a.external_id
           FROM articles a WHERE (a.published_at, a.id) < ($1::timestamptz, $2::uuid)
           ORDER BY a.published_at DESC, a.id DESC LIMIT $3::int + 1`,
    key: 'published_at',
    order: 'desc',
    limit: '$3::int',
    item: articleSummaryJson('p'),
  }),
);

export const COUNT_ONE = statement<[slug: string], { c: number }>(
  'read:count-one',
  'SELECT approved_comment_count AS c FROM articles WHERE slug = $1',
);

export const COUNT_MANY = statement<[slugs: string[]], { slug: string; c: number }>(
  'read:count-many',
  'SELECT slug, approved_comment_count AS c FROM articles WHERE slug = ANY($1::text[])',
);

/** Live-update streams: the articles to subscribe to (id for the event log, slug and count for the first events). */
export const STREAM_ARTICLES = statement<[slugs: string[]], { id: string; slug: string; count: number }>(
  'read:stream-articles',
  'SELECT id, slug, approved_comment_count AS count FROM articles WHERE slug = ANY($1::text[])',
);
