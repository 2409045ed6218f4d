-- AlterTable
ALTER TABLE "moderation_actions" ADD COLUMN     "article_id" UUID,
ADD COLUMN     "details" JSONB;

-- CreateIndex
CREATE INDEX "moderation_actions_article_id_created_at_idx" ON "moderation_actions"("article_id", "created_at");

-- AddForeignKey
ALTER TABLE "moderation_actions" ADD CONSTRAINT "moderation_actions_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
