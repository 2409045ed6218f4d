-- CreateTable
CREATE TABLE "triage_settings" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "rules" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by_id" UUID,

    CONSTRAINT "triage_settings_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "triage_settings" ADD CONSTRAINT "triage_settings_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
