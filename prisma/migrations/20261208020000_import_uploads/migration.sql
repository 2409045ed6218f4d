-- Imports uploaded through the admin API (POST /api/admin/imports, docs/import-export.md): the file is kept in
-- PostgreSQL, not on the container's read-only disk, in chunks of at most 1 MB, until its run ends. A worker on any
-- instance claims a queued run (or one whose lease ran out because its instance died) with FOR UPDATE SKIP LOCKED
-- and runs it; a run taken over resumes, since an import is idempotent by source id.
ALTER TYPE "ImportStatus" ADD VALUE 'queued' BEFORE 'running';

-- AlterTable
ALTER TABLE "imports" ADD COLUMN     "upload_bytes" BIGINT,
ADD COLUMN     "lease_until" TIMESTAMPTZ(3),
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "create_articles" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "import_upload_chunks" (
    "import_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "import_upload_chunks_pkey" PRIMARY KEY ("import_id","seq")
);

-- AddForeignKey
ALTER TABLE "import_upload_chunks" ADD CONSTRAINT "import_upload_chunks_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
