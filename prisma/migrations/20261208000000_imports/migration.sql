-- Moving in (npm run import, docs/import-export.md): every imported article, account and comment keeps the id it
-- had in its source as `import_key` (`<format>:<source id>`, unique when set), so a second run of the same file
-- imports nothing and a run interrupted half-way resumes where it stopped. Imported authors become *unclaimed*
-- accounts: no password, no login email; the address their comments carried (if any) is kept as `claim_email`
-- only, for the claim rule (a first publisher sign-in with that verified address takes the account over).
-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('running', 'finished', 'failed');

-- AlterTable
ALTER TABLE "articles" ADD COLUMN     "import_key" TEXT;

-- AlterTable
ALTER TABLE "comments" ADD COLUMN     "import_key" TEXT;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "claim_email" TEXT,
ADD COLUMN     "import_key" TEXT,
ADD COLUMN     "unclaimed" BOOLEAN NOT NULL DEFAULT false;

-- One row per import run: what was read, what became of it (the report), and when.
-- CreateTable
CREATE TABLE "imports" (
    "id" UUID NOT NULL,
    "format" TEXT NOT NULL,
    "source_name" TEXT,
    "status" "ImportStatus" NOT NULL DEFAULT 'running',
    "started_by_id" UUID,
    "comments_imported" INTEGER NOT NULL DEFAULT 0,
    "comments_skipped" INTEGER NOT NULL DEFAULT 0,
    "comments_failed" INTEGER NOT NULL DEFAULT 0,
    "articles_created" INTEGER NOT NULL DEFAULT 0,
    "authors_created" INTEGER NOT NULL DEFAULT 0,
    "report" JSONB,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "imports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "articles_import_key_key" ON "articles"("import_key");

-- CreateIndex
CREATE UNIQUE INDEX "comments_import_key_key" ON "comments"("import_key");

-- CreateIndex
CREATE UNIQUE INDEX "users_import_key_key" ON "users"("import_key");

-- CreateIndex
CREATE INDEX "users_claim_email_idx" ON "users"("claim_email");

-- CreateIndex
CREATE INDEX "imports_started_at_id_idx" ON "imports"("started_at", "id");
