-- The moderation console (issue 20): why a comment was held (comment_holds: the word filter and reports today,
-- rules, classifiers and spam services later), staff notes on accounts, the newsroom's decision reasons (each with
-- its statement-of-reasons fields, DSA Art. 17) and one-time codes for creating the first admin from the console.

-- CreateTable
CREATE TABLE "comment_holds" (
    "comment_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "rule" TEXT,
    "matched" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "labels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "comment_holds_pkey" PRIMARY KEY ("comment_id")
);

-- CreateTable
CREATE TABLE "staff_notes" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "author_id" UUID,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "decision_reasons" (
    "id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT,
    "applies_to" TEXT[],
    "statement" JSONB NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "decision_reasons_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "setup_codes" (
    "id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "setup_codes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "comment_holds_source_created_at_idx" ON "comment_holds"("source", "created_at");

-- CreateIndex
CREATE INDEX "staff_notes_user_id_created_at_id_idx" ON "staff_notes"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "staff_notes_author_id_idx" ON "staff_notes"("author_id");

-- CreateIndex
CREATE UNIQUE INDEX "decision_reasons_label_key" ON "decision_reasons"("label");

-- CreateIndex
CREATE UNIQUE INDEX "setup_codes_code_hash_key" ON "setup_codes"("code_hash");

-- AddForeignKey
ALTER TABLE "comment_holds" ADD CONSTRAINT "comment_holds_comment_id_fkey" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_notes" ADD CONSTRAINT "staff_notes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_notes" ADD CONSTRAINT "staff_notes_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
