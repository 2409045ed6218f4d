import type pg from 'pg';

/**
 * Articles an import creates for threads that match none here (src/import): stubs like the widget's first-load
 * ones (title, canonical URL, no blocks), with the thread's import key. One statement per batch.
 */
export interface ImportedArticle {
  id: string;
  slug: string;
  title: string;
  language: string;
  url: string | null;
  importKey: string;
  publishedAt: Date;
}

/** Inserts the stubs; a stub whose slug, URL or import key is taken meanwhile is left out. Returns how many were written. */
export async function insertImportedArticles(client: pg.ClientBase, stubs: ImportedArticle[]): Promise<number> {
  if (!stubs.length) return 0;
  const col = <K extends keyof ImportedArticle>(k: K) => stubs.map((s) => s[k]);
  const created = await client.query(
    `INSERT INTO articles (id, slug, title, language, blocks, url, import_key, published_at, updated_at)
     SELECT id, slug, title, language, '[]'::jsonb, url, import_key, published_at, now()
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
       AS t(id, slug, title, language, url, import_key, published_at)
     ON CONFLICT DO NOTHING`,
    [col('id'), col('slug'), col('title'), col('language'), col('url'), col('importKey'), col('publishedAt')],
  );
  return created.rowCount ?? 0;
}
