import type pg from 'pg';
import { cdata, siteArticles, siteComments, textToHtml, xmlEscape } from './site-rows.js';

/**
 * The whole site as a Disqus XML export (the format disqus.ts reads, and Disqus's own importer takes): one
 * `<category>`, a `<thread>` per article (`dsq:id` its id, `<id>` its slug, `<link>` its canonical URL), then a
 * `<post>` per comment, oldest first. Statuses as Disqus has them: pending → `isApproved` false, spam → `isSpam`,
 * deleted → `isDeleted`; Disqus has no rejection, so a rejected comment is exported as deleted (removed by a
 * moderator, as Disqus shows it). Authors: `username` is this service's account id, so re-importing keeps one
 * account per author; `email` is the login or claim address. Streamed: nothing is held beyond one page of rows.
 */

const NS = 'xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"';

export async function* exportDisqus(pool: pg.Pool, site = 'newsroom'): AsyncGenerator<string> {
  yield `<?xml version="1.0" encoding="utf-8"?>\n<disqus ${NS}>\n`;
  yield `  <category dsq:id="1"><forum>${xmlEscape(site)}</forum><title>General</title><isDefault>true</isDefault></category>\n`;
  for await (const a of siteArticles(pool)) {
    yield (
      `  <thread dsq:id="${a.id}"><id>${xmlEscape(a.slug)}</id><forum>${xmlEscape(site)}</forum><category dsq:id="1"/>` +
      `<link>${xmlEscape(a.url ?? '')}</link><title>${xmlEscape(a.title)}</title><message/>` +
      `<createdAt>${a.published_at.toISOString()}</createdAt><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n`
    );
  }
  for await (const c of siteComments(pool)) {
    const author =
      `<author>${c.email ? `<email>${xmlEscape(c.email)}</email>` : ''}<name>${xmlEscape(c.display_name ?? c.username)}</name>` +
      `<isAnonymous>false</isAnonymous><username>${c.author_id}</username></author>`;
    const deleted = c.deleted_at !== null || c.status === 'rejected';
    yield (
      `  <post dsq:id="${c.id}"><id/><message>${cdata(textToHtml(c.body))}</message>` +
      `<createdAt>${c.created_at.toISOString()}</createdAt><isDeleted>${deleted}</isDeleted><isSpam>${c.status === 'spam'}</isSpam>` +
      `<isApproved>${c.status !== 'pending'}</isApproved>${author}<thread dsq:id="${c.article_id}"/>` +
      `${c.parent_id ? `<parent dsq:id="${c.parent_id}"/>` : ''}</post>\n`
    );
  }
  yield '</disqus>\n';
}
