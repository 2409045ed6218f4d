-- Readers come back (issue 22): reactions to comments, the "top" and "most replies" orders, editors' picks, badges.

-- AlterTable
ALTER TABLE "comments" ADD COLUMN     "featured_at" TIMESTAMPTZ(3),
ADD COLUMN     "reaction_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reactions" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "reply_count" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "badge" TEXT;

-- CreateTable
CREATE TABLE "comment_reactions" (
    "comment_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "comment_reactions_pkey" PRIMARY KEY ("comment_id","user_id")
);

-- CreateIndex
CREATE INDEX "comment_reactions_user_id_idx" ON "comment_reactions"("user_id");

-- Keyset pages of sort=top (reaction_count DESC, created_at DESC, id DESC) and sort=replies (reply_count …) in the
-- three scopes of a comment list: equality on the scope and status, then the row comparison as the index condition.
-- CreateIndex
CREATE INDEX "comments_article_top_idx" ON "comments"("article_id", "status", "reaction_count", "created_at", "id");

-- CreateIndex
CREATE INDEX "comments_parent_top_idx" ON "comments"("parent_id", "status", "reaction_count", "created_at", "id");

-- CreateIndex
CREATE INDEX "comments_root_top_idx" ON "comments"("root_id", "status", "reaction_count", "created_at", "id");

-- CreateIndex
CREATE INDEX "comments_article_replies_idx" ON "comments"("article_id", "status", "reply_count", "created_at", "id");

-- CreateIndex
CREATE INDEX "comments_parent_replies_idx" ON "comments"("parent_id", "status", "reply_count", "created_at", "id");

-- CreateIndex
CREATE INDEX "comments_root_replies_idx" ON "comments"("root_id", "status", "reply_count", "created_at", "id");

-- Threads by reactions (GET /api/articles/:slug/threads?sort=top): top-level comments only.
-- CreateIndex
CREATE INDEX "comments_top_level_top_idx" ON "comments"("article_id", "status", "reaction_count", "created_at", "id") WHERE (parent_id IS NULL);

-- CreateIndex
CREATE INDEX "comments_featured_idx" ON "comments"("article_id", "status", "created_at", "id") WHERE (featured_at IS NOT NULL);

-- AddForeignKey
ALTER TABLE "comment_reactions" ADD CONSTRAINT "comment_reactions_comment_id_fkey" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "comment_reactions" ADD CONSTRAINT "comment_reactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: comments.reply_count follows the visibility of the direct replies (approved, not deleted), whoever
-- changes it. A trigger rather than a CTE of the comment state statement: a batch change (a ban) may change a
-- comment and its reply in one statement, and one statement cannot update the same row twice; an AFTER ROW trigger
-- runs at the end of the statement, after the statement's own update of the parent row. It fires only on the
-- columns that decide visibility, so its own update of reply_count does not fire it again.
CREATE FUNCTION comments_reply_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was int := 0;
  now_visible int := 0;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.parent_id IS NOT NULL AND OLD.status = 'approved' AND OLD.deleted_at IS NULL THEN
    was := 1;
  END IF;
  IF NEW.parent_id IS NOT NULL AND NEW.status = 'approved' AND NEW.deleted_at IS NULL THEN
    now_visible := 1;
  END IF;
  IF now_visible <> was THEN
    UPDATE comments SET reply_count = reply_count + now_visible - was WHERE id = NEW.parent_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER comments_reply_count AFTER INSERT OR UPDATE OF status, deleted_at ON comments
  FOR EACH ROW EXECUTE FUNCTION comments_reply_count();

UPDATE comments p SET reply_count = r.n
FROM (SELECT parent_id, count(*)::int AS n FROM comments WHERE parent_id IS NOT NULL AND status = 'approved' AND deleted_at IS NULL GROUP BY parent_id) r
WHERE p.id = r.parent_id;
