-- DSA notice-and-action (Art. 16), statements of reasons (Art. 17), appeals (Art. 20) and misuse measures (Art. 23).
-- Generated from schema.prisma, plus the hand-written CHECK constraints at the end (npm run db:check does not see them).

-- CreateEnum
CREATE TYPE "NoticeStatus" AS ENUM ('open', 'decided');

-- CreateEnum
CREATE TYPE "NoticeOutcome" AS ENUM ('action_taken', 'no_action', 'content_unavailable');

-- CreateEnum
CREATE TYPE "AppealStatus" AS ENUM ('open', 'upheld', 'reversed');

-- CreateEnum
CREATE TYPE "MisuseKind" AS ENUM ('author_warning', 'author_suspension', 'notifier_warning', 'notifier_hold');

-- AlterTable
ALTER TABLE "comments" ADD COLUMN     "open_notice_count" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "notices" (
    "id" UUID NOT NULL,
    "comment_id" UUID NOT NULL,
    "report_id" UUID,
    "category" TEXT NOT NULL,
    "category_specification" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "explanation" TEXT NOT NULL,
    "good_faith" BOOLEAN NOT NULL,
    "notifier_user_id" UUID,
    "notifier_name" TEXT,
    "notifier_email" TEXT,
    "notifier_key" TEXT,
    "access_key_hash" TEXT NOT NULL,
    "status" "NoticeStatus" NOT NULL DEFAULT 'open',
    "outcome" "NoticeOutcome",
    "decision_explanation" TEXT,
    "manifestly_unfounded" BOOLEAN NOT NULL DEFAULT false,
    "statement_id" UUID,
    "decided_by_id" UUID,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "notices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "statements_of_reasons" (
    "id" UUID NOT NULL,
    "puid" TEXT NOT NULL,
    "comment_id" UUID,
    "user_id" UUID,
    "action" TEXT NOT NULL,
    "decision_visibility" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "decision_account" TEXT,
    "decision_provision" TEXT,
    "restriction_ends_at" TIMESTAMPTZ(3),
    "decision_ground" TEXT NOT NULL,
    "decision_ground_reference_url" TEXT,
    "illegal_content_legal_ground" TEXT,
    "illegal_content_explanation" TEXT,
    "incompatible_content_ground" TEXT,
    "incompatible_content_explanation" TEXT,
    "incompatible_content_illegal" BOOLEAN,
    "category" TEXT NOT NULL,
    "category_specification" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "decision_facts" TEXT NOT NULL,
    "source_type" TEXT NOT NULL,
    "automated_detection" BOOLEAN NOT NULL,
    "automated_decision" TEXT NOT NULL,
    "territorial_scope" TEXT[],
    "content_language" TEXT,
    "content_date" TIMESTAMPTZ(3) NOT NULL,
    "manifestly_illegal" BOOLEAN NOT NULL DEFAULT false,
    "decided_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reversed_at" TIMESTAMPTZ(3),
    "reversed_by" TEXT,

    CONSTRAINT "statements_of_reasons_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appeals" (
    "id" UUID NOT NULL,
    "statement_id" UUID NOT NULL,
    "appellant_id" UUID,
    "explanation" TEXT NOT NULL,
    "status" "AppealStatus" NOT NULL DEFAULT 'open',
    "outcome_explanation" TEXT,
    "decided_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "appeals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "misuse_measures" (
    "id" UUID NOT NULL,
    "kind" "MisuseKind" NOT NULL,
    "subject_key" TEXT NOT NULL,
    "user_id" UUID,
    "trigger_statement_id" UUID,
    "trigger_notice_id" UUID,
    "statement_id" UUID,
    "until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lifted_at" TIMESTAMPTZ(3),

    CONSTRAINT "misuse_measures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notices_open_comment_id_received_at_id_idx" ON "notices"("comment_id", "received_at", "id") WHERE (status = 'open');

-- CreateIndex
CREATE INDEX "notices_comment_id_received_at_idx" ON "notices"("comment_id", "received_at");

-- CreateIndex
CREATE INDEX "notices_notifier_key_decided_at_idx" ON "notices"("notifier_key", "decided_at");

-- CreateIndex
CREATE INDEX "notices_notifier_user_id_received_at_id_idx" ON "notices"("notifier_user_id", "received_at", "id");

-- CreateIndex
CREATE INDEX "notices_received_at_id_idx" ON "notices"("received_at", "id");

-- CreateIndex
CREATE INDEX "notices_decided_at_idx" ON "notices"("decided_at");

-- CreateIndex
CREATE UNIQUE INDEX "statements_of_reasons_puid_key" ON "statements_of_reasons"("puid");

-- CreateIndex
CREATE INDEX "statements_of_reasons_user_id_created_at_id_idx" ON "statements_of_reasons"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "statements_of_reasons_comment_id_created_at_id_idx" ON "statements_of_reasons"("comment_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "statements_of_reasons_created_at_id_idx" ON "statements_of_reasons"("created_at", "id");

-- CreateIndex
CREATE INDEX "appeals_statement_id_created_at_idx" ON "appeals"("statement_id", "created_at");

-- CreateIndex
CREATE INDEX "appeals_appellant_id_created_at_id_idx" ON "appeals"("appellant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "appeals_status_created_at_id_idx" ON "appeals"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "appeals_created_at_id_idx" ON "appeals"("created_at", "id");

-- CreateIndex
CREATE INDEX "appeals_decided_at_idx" ON "appeals"("decided_at");

-- CreateIndex
CREATE UNIQUE INDEX "appeals_one_open_per_statement" ON "appeals"("statement_id") WHERE (status = 'open');

-- CreateIndex
CREATE INDEX "misuse_measures_subject_key_kind_created_at_idx" ON "misuse_measures"("subject_key", "kind", "created_at");

-- CreateIndex
CREATE INDEX "misuse_measures_created_at_idx" ON "misuse_measures"("created_at");

-- CreateIndex
CREATE INDEX "comments_noticed_created_at_id_idx" ON "comments"("created_at", "id") WHERE (open_notice_count > 0 AND deleted_at IS NULL);

-- AddForeignKey
ALTER TABLE "notices" ADD CONSTRAINT "notices_comment_id_fkey" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notices" ADD CONSTRAINT "notices_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "comment_reports"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notices" ADD CONSTRAINT "notices_notifier_user_id_fkey" FOREIGN KEY ("notifier_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notices" ADD CONSTRAINT "notices_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notices" ADD CONSTRAINT "notices_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statements_of_reasons"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statements_of_reasons" ADD CONSTRAINT "statements_of_reasons_comment_id_fkey" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statements_of_reasons" ADD CONSTRAINT "statements_of_reasons_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statements_of_reasons" ADD CONSTRAINT "statements_of_reasons_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statements_of_reasons"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_appellant_id_fkey" FOREIGN KEY ("appellant_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "misuse_measures" ADD CONSTRAINT "misuse_measures_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "misuse_measures" ADD CONSTRAINT "misuse_measures_trigger_statement_id_fkey" FOREIGN KEY ("trigger_statement_id") REFERENCES "statements_of_reasons"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "misuse_measures" ADD CONSTRAINT "misuse_measures_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statements_of_reasons"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "misuse_measures" ADD CONSTRAINT "misuse_measures_trigger_notice_id_fkey" FOREIGN KEY ("trigger_notice_id") REFERENCES "notices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: what the Transparency Database would refuse, refused at the source (src/dsa/transparency-database.ts).
ALTER TABLE "notices" ADD CONSTRAINT "notices_good_faith" CHECK (good_faith);
ALTER TABLE "notices" ADD CONSTRAINT "notices_decided" CHECK ((status = 'open') = (outcome IS NULL AND decided_at IS NULL));
ALTER TABLE "statements_of_reasons" ADD CONSTRAINT "statements_puid_format" CHECK (puid ~ '^[A-Za-z0-9_-]+$' AND char_length(puid) <= 500);
ALTER TABLE "statements_of_reasons" ADD CONSTRAINT "statements_some_restriction"
  CHECK (cardinality(decision_visibility) > 0 OR decision_account IS NOT NULL OR decision_provision IS NOT NULL);
ALTER TABLE "statements_of_reasons" ADD CONSTRAINT "statements_ground" CHECK (
  (decision_ground = 'DECISION_GROUND_ILLEGAL_CONTENT' AND illegal_content_legal_ground IS NOT NULL AND illegal_content_explanation IS NOT NULL)
  OR (decision_ground = 'DECISION_GROUND_INCOMPATIBLE_CONTENT' AND incompatible_content_ground IS NOT NULL AND incompatible_content_explanation IS NOT NULL));
ALTER TABLE "statements_of_reasons" ADD CONSTRAINT "statements_facts_length" CHECK (char_length(decision_facts) BETWEEN 1 AND 5000);
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_decided" CHECK ((status = 'open') = (decided_at IS NULL));

-- Hand-written: comments.open_notice_count follows the notices themselves, whoever opens or closes them (the queue's
-- "noticed" view and the edit rule "a comment under notice is not auto-approved" read it). An AFTER ROW trigger
-- runs at the end of its statement, so a visibility change that closes notices in a CTE of the same statement
-- (src/dsa/decision-effects.ts) updates the counter after its own update of the comment row.
CREATE FUNCTION notices_open_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' THEN
    UPDATE comments SET open_notice_count = open_notice_count - 1 WHERE id = OLD.comment_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'open' THEN
    UPDATE comments SET open_notice_count = open_notice_count + 1 WHERE id = NEW.comment_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER notices_open_count AFTER INSERT OR DELETE OR UPDATE OF status, comment_id ON notices
  FOR EACH ROW EXECUTE FUNCTION notices_open_count();
