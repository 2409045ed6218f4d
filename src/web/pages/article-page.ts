import type { ArticleDto, ArticleSummaryDto } from '../../articles/dto/article-response.dto.js';
import type { CommentDto } from '../../comments/dto/comment-response.dto.js';
import type { ThreadDto } from '../../threads/dto/threads.dto.js';
import type { WebAsset } from '../web-assets.js';
import { escapeHtml } from './html.js';
import { linkify, UGC_REL } from './linkify.js';

/**
 * The service's own reader pages, rendered on the server: `/` (the articles) and `/articles/:slug` (an article
 * with its comment section). The comment section is the widget's own markup (web/widget, same classes) inside
 * <newsroom-comments>: readable without JavaScript and by search engines; the widget, once loaded, draws the same
 * first page into its shadow root in the same frame, from the JSON data block next to it (no second request).
 *
 * Everything from the database goes through escapeHtml or JSON escaping: titles, blocks and comment bodies are text.
 */
export interface PageAssets {
  loader: WebAsset;
  css: WebAsset;
  count: WebAsset;
}

export interface ThreadPageView {
  article: ArticleSummaryDto;
  items: ThreadDto[];
  nextCursor: string | null;
}

const e = escapeHtml;
const bgDate = new Intl.DateTimeFormat('bg-BG', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Sofia' });
const bgRelative = new Intl.RelativeTimeFormat('bg-BG', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** As the widget words it (web/shared/i18n.ts relativeTime), so the takeover changes no text. */
function ago(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  for (const [unit, size] of UNITS) if (Math.abs(seconds) >= size) return bgRelative.format(Math.round(seconds / size), unit);
  return 'току-що';
}

const plural = (n: number, one: string, other: string) =>
  (new Intl.PluralRules('bg').select(n) === 'one' ? one : other).replace('{n}', String(n));

function head(o: { title: string; description?: string; canonical?: string; assets: PageAssets; extra?: string }): string {
  return `<!doctype html>
<html lang="bg">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${e(o.title)}</title>
${o.description ? `<meta name="description" content="${e(o.description)}">\n` : ''}${o.canonical ? `<link rel="canonical" href="${e(o.canonical)}">\n` : ''}<link rel="icon" href="data:,">
<link rel="stylesheet" href="/${e(o.assets.css.path)}" integrity="sha256-${o.assets.css.sha256}">
${o.extra ?? ''}</head>`;
}

const SITE_HEADER = `<header class="site"><a class="site-name" href="/">Новини и коментари</a></header>`;

function commentHtml(c: CommentDto, now: number): string {
  const id = `c-${e(c.id)}`;
  if (c.deleted || c.body === null) {
    return `<article id="${id}" class="nc-comment" aria-labelledby="${id}-author"><header class="nc-meta"><span id="${id}-author" class="nc-author nc-muted">Този коментар е изтрит.</span></header></article>`;
  }
  const author = c.author
    ? `<span id="${id}-author" class="nc-author">${e(c.author.username)}</span>`
    : `<span id="${id}-author" class="nc-author nc-muted">изтрит профил</span>`;
  const body = linkify(c.body)
    .map((p) => (p.href ? `<a href="${e(p.href)}" rel="${UGC_REL}" target="_blank">${e(p.text)}</a>` : e(p.text)))
    .join('');
  return `<article id="${id}" class="nc-comment" aria-labelledby="${id}-author"><header class="nc-meta">${author}<time class="nc-time" datetime="${e(c.createdAt)}" title="${e(bgDate.format(new Date(c.createdAt)))}">${e(ago(c.createdAt, now))}</time>${c.editedAt ? '<span class="nc-muted">· редактиран</span>' : ''}</header><div class="nc-body">${body}</div><div class="nc-actions"></div></article>`;
}

function threadHtml(t: ThreadDto, now: number): string {
  const shown = new Set([t.id, ...t.replies.items.map((r) => r.id)]);
  const children = new Map<string, CommentDto[]>();
  for (const r of t.replies.items) {
    const parent = r.parentId && shown.has(r.parentId) ? r.parentId : t.id;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const hidden = t.replyCount - t.replies.items.length;
  if (t.deleted && !t.replies.items.length && hidden <= 0) return '';
  const tree = (c: CommentDto): string => {
    const kids = children.get(c.id) ?? [];
    return `${commentHtml(c, now)}${kids.length ? `<ol class="nc-replies">${kids.map((k) => `<li>${tree(k)}</li>`).join('')}</ol>` : ''}`;
  };
  const more = hidden > 0 ? `<p class="nc-more-replies nc-muted">${e(plural(hidden, 'Още {n} отговор', 'Още {n} отговора'))}</p>` : '';
  return `<li class="nc-thread">${tree(t)}${more}</li>`;
}

/** The comment section's first page as the widget draws it, plus the same data for the widget to take over. */
export function commentsSection(page: ThreadPageView, rawJson: string, now = Date.now()): string {
  const n = page.article.commentCount;
  // A JSON data block is never executed (no CSP concern); `<` is escaped so no text can close the element.
  const data = rawJson.replace(/</g, '\\u003c');
  const threads = page.items.map((t) => threadHtml(t, now)).join('');
  const status = !page.article.commentsOpen
    ? '<p class="nc-note nc-closed">Коментарите към тази статия са затворени.</p>'
    : '<div class="nc-signin nc-compact"><p class="nc-panel-title">Влезте, за да коментирате</p><noscript><p class="nc-note">Коментирането изисква JavaScript.</p></noscript></div>';
  return `<newsroom-comments id="comments" article="${e(page.article.slug)}">
<script type="application/json" data-newsroom-initial>${data}</script>
<section class="nc" aria-labelledby="nc-title"><header class="nc-header"><h2 id="nc-title" class="nc-title">Коментари (${n})</h2></header>
${status}
${page.items.length ? '' : page.article.commentsOpen ? '<p class="nc-note">Още няма коментари. Бъдете първи.</p>' : ''}<ol id="nc-list" class="nc-list" aria-labelledby="nc-title">${threads}</ol>
${page.nextCursor ? '<noscript><p class="nc-note">Показани са най-новите коментари; останалите се зареждат с JavaScript.</p></noscript>' : ''}</section>
</newsroom-comments>`;
}

/** `/articles/:slug`: the article (title, blocks: text exactly as stored) and its comment section. */
export function articlePage(o: {
  article: ArticleDto;
  threads: ThreadPageView;
  threadsJson: string;
  assets: PageAssets;
  publicUrl?: string;
}): string {
  const a = o.article;
  const canonical = a.url ?? (o.publicUrl ? `${o.publicUrl}/articles/${a.slug}` : undefined);
  const first = a.blocks.find((b) => b.type === 'paragraph')?.text;
  const description = first && first.length > 200 ? `${first.slice(0, 197).replace(/\s+\S*$/, '')}…` : first;
  const blocks = a.blocks.map((b) => (b.type === 'heading' ? `<h2>${e(b.text)}</h2>` : `<p>${e(b.text)}</p>`)).join('\n');
  const stub =
    a.url && !a.blocks.length ? `<p class="origin">Статията е публикувана на <a href="${e(a.url)}">${e(new URL(a.url).host)}</a>.</p>` : '';
  return `${head({
    title: a.title,
    description,
    canonical,
    assets: o.assets,
    extra: `<meta property="og:type" content="article">\n<meta property="og:title" content="${e(a.title)}">\n${canonical ? `<meta property="og:url" content="${e(canonical)}">\n` : ''}<script type="module" src="/${e(o.assets.loader.path)}" integrity="sha256-${o.assets.loader.sha256}"></script>\n`,
  })}
<body>
<a class="skip" href="#comments">Към коментарите</a>
${SITE_HEADER}
<main>
<article class="story" lang="${e(a.language)}">
<h1>${e(a.title)}</h1>
<p class="byline"><time datetime="${e(a.publishedAt)}">${e(bgDate.format(new Date(a.publishedAt)))}</time></p>
${blocks}
${stub}</article>
${commentsSection(o.threads, o.threadsJson)}
</main>
</body>
</html>
`;
}

/** `/`: the newest articles, each with its comment count (kept live by the count snippet). */
export function homePage(o: { items: ArticleSummaryDto[]; nextCursor: string | null; assets: PageAssets; publicUrl?: string }): string {
  const items = o.items
    .map(
      (a) =>
        `<li><a href="/articles/${e(a.slug)}">${e(a.title)}</a> <span class="meta"><time datetime="${e(a.publishedAt)}">${e(bgDate.format(new Date(a.publishedAt)))}</time> · <span data-newsroom-count="${e(a.slug)}">${e(plural(a.commentCount, '{n} коментар', '{n} коментара'))}</span></span></li>`,
    )
    .join('\n');
  return `${head({
    title: 'Новини и коментари',
    description: 'Статиите и коментарите на читателите.',
    canonical: o.publicUrl ? `${o.publicUrl}/` : undefined,
    assets: o.assets,
    extra: `<script src="/${e(o.assets.count.path)}" integrity="sha256-${o.assets.count.sha256}" data-live defer></script>\n`,
  })}
<body>
${SITE_HEADER}
<main>
<h1>Статии</h1>
${items ? `<ul class="articles">\n${items}\n</ul>` : '<p>Още няма статии.</p>'}
${o.nextCursor ? `<p><a href="/?cursor=${encodeURIComponent(o.nextCursor)}">По-стари статии</a></p>` : ''}
</main>
</body>
</html>
`;
}

/** A page that is not there (an unknown slug, a bad cursor): still a page, with a way on. */
export function messagePage(o: { title: string; message: string; assets: PageAssets }): string {
  return `${head({ title: o.title, assets: o.assets, extra: '<meta name="robots" content="noindex">\n' })}
<body>
${SITE_HEADER}
<main>
<h1>${e(o.title)}</h1>
<p>${e(o.message)}</p>
<p><a href="/">Към всички статии</a></p>
</main>
</body>
</html>
`;
}
