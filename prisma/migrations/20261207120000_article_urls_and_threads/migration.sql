-- Articles the news site hosts itself: the reader's widget names its article by slug, by the site's own id
-- (external_id, e.g. its CMS id) or by its canonical URL; ARTICLE_AUTO_CREATE creates a stub (title and URL, no
-- blocks) on first load. Both are unique when set (PostgreSQL unique indexes let any number of NULLs through).
-- AlterTable
ALTER TABLE "articles" ADD COLUMN     "external_id" TEXT,
ADD COLUMN     "url" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "articles_url_key" ON "articles"("url");

-- CreateIndex
CREATE UNIQUE INDEX "articles_external_id_key" ON "articles"("external_id");

-- Top-level comments of an article, a page of threads at a time (GET /api/articles/:slug/threads): keyset pages
-- on (created_at, id) within one article and status, without reading the replies.
-- CreateIndex
CREATE INDEX "comments_top_level_idx" ON "comments"("article_id", "status", "created_at", "id") WHERE (parent_id IS NULL);
