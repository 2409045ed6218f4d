import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { normalizeArticleUrl } from '../articles/article-url.js';
import { insertImportedArticles } from '../articles/imported-articles.js';
import { slugify } from '../articles/slugify.js';
import { isSlug } from '../common/validation/slug.js';
import { appendAudit } from '../audit/audit-log.js';
import { countCodePoints, normalizeCommentText } from '../comment-core/comment-text.js';
import { insertImportedComments } from '../comment-core/imported-comments.js';
import { normalizeEmail } from '../common/text/email.js';
import { insertUnclaimedAccounts } from '../users/unclaimed-accounts.js';
import { ReservedUsernames } from '../users/username-rules.js';
import { formatPlace, type ImportFormat, type Place, type SourceComment, type SourceRecord, type SourceThread } from './import-records.js';
import { deriveImportUsernames, usernameCandidates } from './import-usernames.js';

/**
 * Writes what a reader (disqus.ts, wordpress.ts, native.ts) yields, a batch of comments per transaction:
 *   - idempotent: every row keeps its source id as `import_key` (`<format>:<id>`; native keys as they are), and a
 *     comment already imported is skipped, so a second run imports nothing and a run that died half-way resumes;
 *   - threads: a reply waits (in memory) until its parent is in the database; at the end, replies whose parent never
 *     came are imported as top-level comments and named in the report (orphans);
 *   - articles: a thread is the article whose import key, canonical URL, slug = the thread's identifier, or slug =
 *     the last segment of the thread's URL matches, in that order; otherwise a stub (title, URL) is created;
 *   - authors: one unclaimed account (no password, no login email) per source author, named by the registration
 *     rules (import-usernames.ts);
 *   - counters: each batch adds its approved, not deleted comments to the article and author counters in the same
 *     transaction, so `npm run db:recount` finds no drift; no domain events or webhooks are written for history;
 *   - no IP addresses (the readers never read them); one audit row per run.
 * A failure inside a batch rolls the whole batch back and stops the run; earlier batches stay (re-run to resume).
 */

export const COMMENT_BODY_MAX = 5000;

// Lookups of a batch's keys ($1) and ids ($2) as one index probe per key (a lateral join on the unique index): an
// `= ANY(array)` over a table that grows during the import lets the planner switch to a sequential scan per batch,
// which made an import slow down with its own size.
const BY_KEY = (table: string, columns: string) =>
  `SELECT t.* FROM unnest($1::text[]) AS k(key) CROSS JOIN LATERAL (SELECT ${columns} FROM ${table} WHERE import_key = k.key) t`;
const BY_ID = (table: string, columns: string) =>
  `SELECT t.* FROM unnest($2::uuid[]) AS k(id) CROSS JOIN LATERAL (SELECT ${columns} FROM ${table} WHERE id = k.id) t`;
const MAX_PROBLEMS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ImportOptions {
  format: ImportFormat;
  sourceName?: string;
  /** The admin who started it (API); null for the command line. */
  startedById?: string | null;
  /** An `imports` row created beforehand (API); otherwise the run creates one. */
  importId?: string;
  batchSize?: number;
  /** Create stub articles for threads that match none (default true); false fails their comments instead. */
  createMissingArticles?: boolean;
  /**
   * The `--map` file: a thread's source id, identifier or URL → the slug of the article its comments belong to.
   * Wins over every other rule; a slug no article has fails the thread's comments.
   */
  map?: ReadonlyMap<string, string>;
  reserved?: ReservedUsernames;
  onProgress?: (progress: ImportProgress) => void;
  /** Stops the run between records (a worker shutting down): what committed stays, the run is not marked ended. */
  signal?: AbortSignal;
}

export interface ImportProgress {
  read: number;
  imported: number;
  skipped: number;
  failed: number;
}

export interface ImportProblem {
  key?: string;
  place: string;
  outcome: 'skipped' | 'failed' | 'orphan';
  reason: string;
}

export interface ArticleReport {
  slug: string;
  created: boolean;
  imported: number;
  skipped: number;
}

export interface ImportReport {
  importId: string;
  format: ImportFormat;
  status: 'finished' | 'failed';
  comments: ImportProgress & { orphans: number };
  articles: { matched: number; created: number };
  authors: { created: number; reused: number };
  perArticle: ArticleReport[];
  problems: ImportProblem[];
  /** Problems beyond the first 1,000 are counted, not listed. */
  problemsLeftOut: number;
  error?: string;
}

interface ThreadState {
  thread: SourceThread;
  article?: { id: string; slug: string; created: boolean };
}

interface Placed {
  id: string;
  articleId: string;
  rootId: string | null;
  depth: number;
}

/** The run was stopped through its signal: its row is left as it was, for the caller to hand on. */
export class ImportInterrupted extends Error {
  override readonly name = 'ImportInterrupted';
}

/** Thrown when a batch cannot be written: names the records it held; nothing of the batch was committed. */
export class ImportBatchError extends Error {
  override readonly name = 'ImportBatchError';
}

export class Importer {
  private readonly batchSize: number;
  private readonly reserved: ReservedUsernames;
  private readonly threads = new Map<string, ThreadState>();
  private batch: SourceComment[] = [];
  private readonly batchKeys = new Set<string>();
  /** Replies whose parent is not in the database yet, by the parent's key. */
  private readonly waiting = new Map<string, SourceComment[]>();
  private readonly waitingKeys = new Set<string>();
  private readonly perArticle = new Map<string, ArticleReport>();
  private readonly counts = { read: 0, imported: 0, skipped: 0, failed: 0, orphans: 0 };
  private readonly articles = { matched: 0, created: 0 };
  private readonly authors = { created: 0, reused: 0 };
  private readonly authorIds = new Map<string, string>();
  /** Usernames worked out while the batch was read, for its authors not written yet (handed to the batch's write). */
  private candidates = new Map<string, ReturnType<typeof usernameCandidates>>();
  /** Off while batches import nothing (a re-run skips everything): then no account is created to name. */
  private precompute = true;
  private readonly problems: ImportProblem[] = [];
  private problemsLeftOut = 0;
  private importId = '';
  private inFlight?: Promise<void>;
  private readonly mapMisses = new Map<string, string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: ImportOptions,
  ) {
    this.batchSize = opts.batchSize ?? 2000;
    this.reserved = opts.reserved ?? ReservedUsernames.forSite([]);
  }

  async run(records: AsyncIterable<SourceRecord>): Promise<ImportReport> {
    this.importId = this.opts.importId ?? (await this.createRun());
    try {
      for await (const record of records) {
        if (this.opts.signal?.aborted) throw new ImportInterrupted('the import was stopped; it resumes where it stopped');
        this.add(record);
        if (this.batch.length >= this.batchSize) {
          // Reading and parsing go on while the database writes this batch; the previous one must have
          // committed first (its comments are the parents the next batch looks up).
          await this.settle();
          this.inFlight = this.flush();
          this.inFlight.catch(() => {});
        }
      }
      await this.settle();
      while (this.batch.length) await this.flush();
      await this.adoptOrphans();
    } catch (err) {
      await this.inFlight?.catch(() => {});
      if (err instanceof ImportInterrupted) throw err;
      const report = this.report('failed', (err as Error).message);
      await this.finish(report);
      throw Object.assign(err as Error, { report });
    }
    const report = this.report('finished');
    await this.finish(report);
    return report;
  }

  /** Waits for the batch being written (and fails with its error). */
  private async settle(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = undefined;
    await pending;
  }

  private importKey(key: string): string {
    return this.opts.format === 'native' ? key : `${this.opts.format}:${key}`;
  }

  private note(problem: { key?: string; place: Place; reason: string }, outcome: ImportProblem['outcome']): void {
    if (this.problems.length >= MAX_PROBLEMS) this.problemsLeftOut++;
    else this.problems.push({ key: problem.key, place: formatPlace(problem.place), outcome, reason: problem.reason });
  }

  private fail(problem: { key?: string; place: Place; reason: string }): void {
    this.counts.failed++;
    this.note(problem, 'failed');
  }

  private add(record: SourceRecord): void {
    switch (record.kind) {
      case 'thread':
        if (!this.threads.has(record.key)) this.threads.set(record.key, { thread: record });
        return;
      case 'skip':
        this.counts.read++;
        this.counts.skipped++;
        this.note(record, 'skipped');
        return;
      case 'invalid':
        this.counts.read++;
        this.fail(record);
        return;
      case 'comment':
        break;
    }
    this.counts.read++;
    const c = record;
    let body = normalizeCommentText(c.body);
    if (!body && c.deleted) body = '(deleted)';
    const length = countCodePoints(body);
    const problem = !body
      ? 'empty body'
      : length > COMMENT_BODY_MAX
        ? `body is ${length} characters; the limit is ${COMMENT_BODY_MAX}`
        : !this.threads.has(c.threadKey)
          ? `its thread ${c.threadKey} is not in the file (threads must come before their comments)`
          : this.batchKeys.has(c.key) || this.waitingKeys.has(c.key)
            ? 'duplicate id: another record with this id came earlier in the file'
            : undefined;
    if (problem) return this.fail({ key: c.key, place: c.place, reason: problem });
    this.batchKeys.add(c.key);
    this.batch.push({ ...c, body });
    // CPU work done here, while the database writes the previous batch, rather than inside this batch's transaction.
    if (this.precompute && !this.authorIds.has(c.author.key) && !this.candidates.has(c.author.key))
      this.candidates.set(c.author.key, usernameCandidates(c.author, this.reserved));
  }

  /** Writes the current batch in one transaction; replies to parents not yet written wait for a later batch. */
  private async flush(): Promise<void> {
    const batch = this.batch;
    const candidates = this.candidates;
    this.batch = [];
    this.candidates = new Map();
    this.batchKeys.clear();
    if (!batch.length) return;
    const client = await this.pool.connect();
    let done: { inserted: SourceComment[]; placed: Map<string, Placed>; resolved: Map<string, ThreadState['article']> };
    try {
      await client.query('BEGIN');
      done = await this.write(client, batch, candidates);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      const first = batch[0].place;
      const last = batch.at(-1)!.place;
      throw new ImportBatchError(
        `the batch of ${batch.length} comments from line ${first.line} to line ${last.line} was not imported (nothing of it was written): ${(err as Error).message}`,
      );
    } finally {
      client.release();
    }
    this.precompute = done.inserted.length > 0;
    // Only what committed is remembered.
    for (const [threadKey, article] of done.resolved) {
      const state = this.threads.get(threadKey)!;
      state.article = article;
      if (article && !this.perArticle.has(article.id))
        this.perArticle.set(article.id, { slug: article.slug, created: article.created, imported: 0, skipped: 0 });
      if (article) this.articles[article.created ? 'created' : 'matched']++;
    }
    for (const c of done.inserted) {
      const article = this.threads.get(c.threadKey)!.article!;
      this.perArticle.get(article.id)!.imported++;
      this.release(c.key);
    }
    this.opts.onProgress?.(this.progress());
  }

  /** Replies that waited for `key` join the next batch. */
  private release(key: string): void {
    const children = this.waiting.get(key);
    if (!children) return;
    this.waiting.delete(key);
    for (const child of children) {
      this.waitingKeys.delete(child.key);
      this.batchKeys.add(child.key);
      this.batch.push(child);
    }
  }

  private wait(c: SourceComment): void {
    const list = this.waiting.get(c.parentKey!);
    if (list) list.push(c);
    else this.waiting.set(c.parentKey!, [c]);
    this.waitingKeys.add(c.key);
  }

  /**
   * The replies whose parent never came: imported as top-level comments (noted in the report), the ones whose
   * parent is itself waiting last, so a whole orphaned sub-thread keeps its shape under its first comment.
   */
  private async adoptOrphans(): Promise<void> {
    while (this.waiting.size) {
      const all = [...this.waiting.values()].flat();
      let roots = all.filter((c) => !this.waitingKeys.has(c.parentKey!));
      // A cycle (a replies to b, b replies to a): break it at the first comment in file order.
      if (!roots.length) roots = [all.sort((a, b) => a.place.line - b.place.line)[0]];
      for (const c of roots) {
        const list = this.waiting.get(c.parentKey!)!;
        list.splice(list.indexOf(c), 1);
        if (!list.length) this.waiting.delete(c.parentKey!);
        this.waitingKeys.delete(c.key);
        this.counts.orphans++;
        this.note(
          {
            key: c.key,
            place: c.place,
            reason: `its parent ${c.parentKey} was not imported (missing from the file, or failed): imported as a top-level comment`,
          },
          'orphan',
        );
        this.batch.push({ ...c, parentKey: undefined });
        this.batchKeys.add(c.key);
      }
      while (this.batch.length) await this.flush();
    }
  }

  private async write(
    client: pg.PoolClient,
    batch: SourceComment[],
    candidates: ReadonlyMap<string, ReturnType<typeof usernameCandidates>>,
  ) {
    const keyOf = (c: SourceComment) => this.importKey(c.key);
    const idOf = (c: SourceComment) => (c.id && UUID.test(c.id) ? c.id : undefined);

    // 1. Already imported (an earlier run, or the same id earlier in this file): skipped.
    const existing = await client.query<{ import_key: string | null; id: string }>(
      `${BY_KEY('comments', 'import_key, id')} UNION ALL ${BY_ID('comments', 'import_key, id')}`,
      [batch.map(keyOf), batch.map(idOf).filter(Boolean)],
    );
    const existingKeys = new Set(existing.rows.map((r) => r.import_key));
    const existingIds = new Set(existing.rows.map((r) => r.id));
    const fresh: SourceComment[] = [];
    const skipped: SourceComment[] = [];
    for (const c of batch) {
      if (existingKeys.has(keyOf(c)) || (idOf(c) && existingIds.has(idOf(c)!))) skipped.push(c);
      else fresh.push(c);
    }

    // 2. Parents: in the database, or earlier in this batch; otherwise the reply waits.
    const inBatch = new Set(fresh.map((c) => c.key));
    const parentKeys = [...new Set(fresh.filter((c) => c.parentKey && !inBatch.has(c.parentKey)).map((c) => this.importKey(c.parentKey!)))];
    const parents = new Map<string, Placed>();
    if (parentKeys.length) {
      const { rows } = await client.query<{ import_key: string; id: string; article_id: string; root_id: string | null; depth: number }>(
        BY_KEY('comments', 'import_key, id, article_id, root_id, depth'),
        [parentKeys],
      );
      for (const r of rows) parents.set(r.import_key, { id: r.id, articleId: r.article_id, rootId: r.root_id, depth: r.depth });
    }

    // 3. Articles of the threads this batch needs.
    const resolved = await this.resolveArticles(client, [...new Set(fresh.map((c) => c.threadKey))]);
    const articleOf = (c: SourceComment) => (this.threads.get(c.threadKey)!.article ?? resolved.get(c.threadKey)) || undefined;

    const placed = new Map<string, Placed>();
    const rows: { c: SourceComment; p: Placed; parentId: string | null }[] = [];
    const deferred: SourceComment[] = [];
    const failed: { c: SourceComment; reason: string }[] = [];
    for (const c of fresh) {
      const article = articleOf(c);
      if (!article) {
        const missed = this.mapMisses.get(c.threadKey);
        failed.push({
          c,
          reason: missed
            ? `the map sends thread ${c.threadKey} to "${missed}", and no article has that slug`
            : `no article matches thread ${c.threadKey} and creating articles is off`,
        });
        continue;
      }
      const id = idOf(c) ?? randomUUID();
      let parent: Placed | undefined;
      if (c.parentKey) {
        parent = placed.get(c.parentKey) ?? parents.get(this.importKey(c.parentKey));
        if (!parent) {
          deferred.push(c);
          continue;
        }
        if (parent.articleId !== article.id) {
          this.counts.orphans++;
          this.note(
            { key: c.key, place: c.place, reason: `its parent ${c.parentKey} belongs to another thread: imported as a top-level comment` },
            'orphan',
          );
          parent = undefined;
        }
      }
      const p: Placed = parent
        ? { id, articleId: article.id, rootId: parent.rootId ?? parent.id, depth: parent.depth + 1 }
        : { id, articleId: article.id, rootId: null, depth: 0 };
      placed.set(c.key, p);
      rows.push({ c, p, parentId: parent?.id ?? null });
    }

    // 4. Authors.
    const authorIds = await this.resolveAuthors(
      client,
      rows.map((r) => r.c),
      candidates,
    );

    // 5. Comments, then the counters of what was inserted.
    const now = new Date();
    const deletedAt = (c: SourceComment) => (c.deleted === true ? now : c.deleted);
    const inserted = await insertImportedComments(
      client,
      rows.map((r) => ({
        id: r.p.id,
        articleId: r.p.articleId,
        authorId: authorIds.get(r.c.author.key)!,
        parentId: r.parentId,
        rootId: r.p.rootId,
        depth: r.p.depth,
        body: r.c.body,
        status: r.c.status,
        createdAt: r.c.createdAt,
        editedAt: r.c.editedAt ?? null,
        deletedAt: deletedAt(r.c),
        importKey: keyOf(r.c),
      })),
    );
    if (inserted !== rows.length) {
      // Another import of the same file wrote some of these meanwhile: the batch is rolled back; a re-run skips them.
      throw new Error(`${rows.length - inserted} comments were written by another run at the same time; run the import again`);
    }

    const batchCounts = { imported: rows.length, skipped: skipped.length, failed: failed.length };
    await client.query(
      `UPDATE imports SET comments_imported = comments_imported + $2, comments_skipped = comments_skipped + $3,
         comments_failed = comments_failed + $4 WHERE id = $1`,
      [this.importId, batchCounts.imported, batchCounts.skipped, batchCounts.failed],
    );

    // Counted only once the transaction committed (flush); the in-memory bookkeeping follows here because a
    // failed batch throws before returning.
    this.counts.imported += rows.length;
    this.counts.skipped += skipped.length;
    for (const c of skipped) {
      this.note({ key: c.key, place: c.place, reason: 'already imported' }, 'skipped');
      const article = articleOf(c);
      if (article) this.bumpSkipped(article);
    }
    for (const f of failed) this.fail({ key: f.c.key, place: f.c.place, reason: f.reason });
    for (const c of deferred) this.wait(c);
    // A skipped comment is in the database: its waiting replies can go.
    for (const c of skipped) this.release(c.key);
    return { inserted: rows.map((r) => r.c), placed, resolved };
  }

  private bumpSkipped(article: { id: string; slug: string; created: boolean }): void {
    const entry = this.perArticle.get(article.id);
    if (entry) entry.skipped++;
    else this.perArticle.set(article.id, { slug: article.slug, created: false, imported: 0, skipped: 1 });
  }

  /** Finds (or creates, when allowed) the article of each thread not resolved yet; nothing is cached until commit. */
  private async resolveArticles(client: pg.PoolClient, threadKeys: string[]): Promise<Map<string, ThreadState['article']>> {
    const out = new Map<string, ThreadState['article']>();
    const todo = threadKeys.map((k) => this.threads.get(k)!).filter((s) => !s.article);
    if (!todo.length) return out;
    const info = todo.map((s) => {
      const url = s.thread.url ? normalizeArticleUrl(s.thread.url) : undefined;
      const segment = url ? lastSegment(url) : undefined;
      // A created article's slug: the source's own (native), its identifier when that is a slug (WordPress post_name,
      // a Disqus identifier set to the slug), else from the URL's last segment or the title.
      const identifierSlug = s.thread.identifier && isSlug(s.thread.identifier) ? s.thread.identifier : undefined;
      const wanted =
        s.thread.slug ?? identifierSlug ?? (segment && slugify(segment)) ?? (s.thread.title && slugify(s.thread.title)) ?? undefined;
      const t = s.thread;
      const mapped = [t.key, t.identifier, t.url, url].map((k) => (k ? this.opts.map?.get(k) : undefined)).find(Boolean);
      return { s, key: this.importKey(t.key), url, segment, mapped, wanted: wanted || 'article' };
    });
    const slugs = [...new Set(info.flatMap((i) => [i.s.thread.identifier, i.segment, i.wanted, i.mapped]).filter((v): v is string => !!v))];
    const { rows } = await client.query<{ id: string; slug: string; url: string | null; import_key: string | null }>(
      'SELECT id, slug, url, import_key FROM articles WHERE import_key = ANY($1::text[]) OR url = ANY($2::text[]) OR slug = ANY($3::text[])',
      [info.map((i) => i.key), info.map((i) => i.url).filter(Boolean), slugs],
    );
    const byKey = new Map(rows.filter((r) => r.import_key).map((r) => [r.import_key!, r]));
    const byUrl = new Map(rows.filter((r) => r.url).map((r) => [r.url!, r]));
    const bySlug = new Map(rows.map((r) => [r.slug, r]));
    const stubs: { threadKey: string; id: string; slug: string; i: (typeof info)[number] }[] = [];
    for (const i of info) {
      if (i.mapped) {
        const target = bySlug.get(i.mapped);
        if (!target) this.mapMisses.set(i.s.thread.key, i.mapped);
        out.set(i.s.thread.key, target && { id: target.id, slug: target.slug, created: false });
        continue;
      }
      const found =
        byKey.get(i.key) ??
        (i.url ? byUrl.get(i.url) : undefined) ??
        (i.s.thread.identifier ? bySlug.get(i.s.thread.identifier) : undefined) ??
        (i.segment ? bySlug.get(i.segment) : undefined);
      if (found) {
        out.set(i.s.thread.key, { id: found.id, slug: found.slug, created: false });
        continue;
      }
      if (this.opts.createMissingArticles === false) {
        out.set(i.s.thread.key, undefined);
        continue;
      }
      const slug = bySlug.has(i.wanted) ? `${i.wanted.slice(0, 100)}-${shortHash(i.key)}` : i.wanted;
      const stub = { threadKey: i.s.thread.key, id: randomUUID(), slug, i };
      stubs.push(stub);
      bySlug.set(slug, { id: stub.id, slug, url: i.url ?? null, import_key: i.key });
      if (i.url) byUrl.set(i.url, { id: stub.id, slug, url: i.url, import_key: i.key });
      byKey.set(i.key, { id: stub.id, slug, url: i.url ?? null, import_key: i.key });
      out.set(i.s.thread.key, { id: stub.id, slug, created: true });
    }
    if (stubs.length) {
      // One statement for the batch's new articles (a Disqus export often has thousands of threads).
      const created = await insertImportedArticles(
        client,
        stubs.map((s) => ({
          id: s.id,
          slug: s.slug,
          title: (s.i.s.thread.title ?? s.i.url ?? s.slug).slice(0, 300),
          language: s.i.s.thread.language ?? 'bg',
          url: s.i.url ?? null,
          importKey: s.i.key,
          publishedAt: s.i.s.thread.publishedAt ?? new Date(),
        })),
      );
      if (created !== stubs.length)
        throw new Error('an article this import creates was created meanwhile by someone else; run the import again');
    }
    return out;
  }

  /** The accounts of the batch's authors: found by import key (or, for native files, id), else created unclaimed. */
  private async resolveAuthors(
    client: pg.PoolClient,
    comments: SourceComment[],
    candidates: ReadonlyMap<string, ReturnType<typeof usernameCandidates>>,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const needed = new Map<string, SourceComment['author']>();
    for (const c of comments) {
      const known = this.authorIds.get(c.author.key);
      if (known) out.set(c.author.key, known);
      else needed.set(c.author.key, c.author);
    }
    if (!needed.size) return out;
    const authors = [...needed.values()];
    const idOf = (a: SourceComment['author']) => (a.id && UUID.test(a.id) ? a.id : undefined);
    const { rows } = await client.query<{ id: string; import_key: string | null }>(
      `${BY_KEY('users', 'id, import_key')} UNION ALL ${BY_ID('users', 'id, import_key')}`,
      [authors.map((a) => this.importKey(a.key)), authors.map(idOf).filter(Boolean)],
    );
    const byKey = new Map(rows.map((r) => [r.import_key, r.id]));
    const byId = new Set(rows.map((r) => r.id));
    const missing: SourceComment['author'][] = [];
    for (const a of authors) {
      const id = byKey.get(this.importKey(a.key)) ?? (idOf(a) && byId.has(idOf(a)!) ? idOf(a) : undefined);
      if (id) {
        out.set(a.key, id);
        this.authorIds.set(a.key, id);
        this.authors.reused++;
      } else missing.push(a);
    }
    if (missing.length) {
      const names = await deriveImportUsernames(client, missing, this.reserved, candidates);
      const ids = missing.map((a) => idOf(a) ?? randomUUID());
      const created = await insertUnclaimedAccounts(
        client,
        missing.map((a, i) => ({
          id: ids[i],
          ...names.get(a.key)!,
          displayName: a.name.slice(0, 200),
          claimEmail: a.email ? normalizeEmail(a.email) : null,
          importKey: this.importKey(a.key),
        })),
      );
      this.authors.created += created;
      missing.forEach((a, i) => {
        out.set(a.key, ids[i]);
        this.authorIds.set(a.key, ids[i]);
      });
    }
    return out;
  }

  private progress(): ImportProgress {
    const { read, imported, skipped, failed } = this.counts;
    return { read, imported, skipped, failed };
  }

  private report(status: ImportReport['status'], error?: string): ImportReport {
    return {
      importId: this.importId,
      format: this.opts.format,
      status,
      comments: { ...this.counts },
      articles: { ...this.articles },
      authors: { ...this.authors },
      perArticle: [...this.perArticle.values()].sort((a, b) => a.slug.localeCompare(b.slug)),
      problems: this.problems,
      problemsLeftOut: this.problemsLeftOut,
      ...(error ? { error } : {}),
    };
  }

  private async createRun(): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO imports (id, format, source_name, started_by_id) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id`,
      [this.opts.format, this.opts.sourceName ?? null, this.opts.startedById ?? null],
    );
    return rows[0].id;
  }

  /** The run's row gets its final counts and report, and the audit log one row, in one transaction. */
  private async finish(report: ImportReport): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `UPDATE imports SET status = $2::"ImportStatus", comments_imported = $3, comments_skipped = $4, comments_failed = $5,
           articles_created = $6, authors_created = $7, report = $8::jsonb, error = $9, finished_at = now() WHERE id = $1`,
        [
          this.importId,
          report.status,
          report.comments.imported,
          report.comments.skipped,
          report.comments.failed,
          report.articles.created,
          report.authors.created,
          JSON.stringify(report),
          report.error ?? null,
        ],
      );
      await appendAudit(client, {
        action: 'import',
        actorId: this.opts.startedById ?? null,
        reason: report.status === 'failed' ? report.error : null,
        details: {
          importId: this.importId,
          format: this.opts.format,
          source: this.opts.sourceName ?? null,
          status: report.status,
          comments: report.comments,
          articles: report.articles,
          authors: report.authors,
        },
      });
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}

/** The last non-empty path segment of a URL, decoded, without a file extension (`/2020/01/my-post.html` → `my-post`). */
function lastSegment(url: string): string | undefined {
  const parts = new URL(url).pathname.split('/').filter(Boolean);
  const last = parts.at(-1);
  if (!last) return undefined;
  try {
    return decodeURIComponent(last).replace(/\.(html?|php|aspx?)$/i, '');
  } catch {
    return last;
  }
}

const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
