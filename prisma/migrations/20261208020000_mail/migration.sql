-- E-mail (src/mail, docs/mail.md): a verified address per account, readers' preferences, address confirmations
-- (double opt-in) and the outbox of mails a worker sends with `FOR UPDATE SKIP LOCKED`, like the webhooks'
-- deliveries. Reply, statement and notice-outcome mails are written by triggers in the transaction of the change that
-- causes them, so a change that rolls back mails nothing and a committed one is never lost.

-- CreateEnum
CREATE TYPE "MailReplyMode" AS ENUM ('off', 'immediate', 'digest');

-- CreateEnum
CREATE TYPE "MailStatus" AS ENUM ('held', 'pending', 'sent', 'failed', 'cancelled', 'digested');

-- AlterTable
ALTER TABLE "users" ADD COLUMN "email_verified_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "mail_preferences" (
    "user_id" UUID NOT NULL,
    "replies" "MailReplyMode" NOT NULL DEFAULT 'off',
    "queue_digest" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT NOT NULL DEFAULT 'bg',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_preferences_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "email_confirmations" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_confirmations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mail_outbox" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "user_id" UUID,
    "to_address" TEXT,
    "comment_id" UUID,
    "ref_id" UUID,
    "data" JSONB NOT NULL DEFAULT '{}',
    "status" "MailStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "mail_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "email_confirmations_token_hash_key" ON "email_confirmations"("token_hash");

-- CreateIndex
CREATE INDEX "email_confirmations_user_id_idx" ON "email_confirmations"("user_id");

-- CreateIndex
CREATE INDEX "mail_outbox_user_id_created_at_idx" ON "mail_outbox"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "mail_outbox_comment_id_idx" ON "mail_outbox"("comment_id");

-- CreateIndex
CREATE INDEX "mail_outbox_due_idx" ON "mail_outbox"("next_attempt_at") WHERE (status = 'pending');

-- CreateIndex
CREATE INDEX "mail_outbox_held_idx" ON "mail_outbox"("created_at") WHERE (status = 'held');

-- CreateIndex
CREATE INDEX "mail_outbox_finished_idx" ON "mail_outbox"("completed_at") WHERE (status <> 'pending' AND status <> 'held');

-- CreateIndex
CREATE UNIQUE INDEX "mail_outbox_reply_key" ON "mail_outbox"("user_id", "comment_id") WHERE (kind = 'reply');

-- AddForeignKey
ALTER TABLE "mail_preferences" ADD CONSTRAINT "mail_preferences_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email_confirmations" ADD CONSTRAINT "email_confirmations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (not visible to the drift check): a pending mail always has a due time and no other one has; attempts
-- never go negative; a locale the templates have; a mail goes to an account or to an address.
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_schedule_check" CHECK (("status" = 'pending') = ("next_attempt_at" IS NOT NULL));
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_attempts_check" CHECK ("attempts" >= 0);
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_recipient_check" CHECK ("user_id" IS NOT NULL OR "to_address" IS NOT NULL);
ALTER TABLE "mail_preferences" ADD CONSTRAINT "mail_preferences_locale_check" CHECK ("locale" IN ('bg', 'en'));

-- Whether an account may receive mail now: a verified address, not erased; `transactional` mails (statements of
-- reasons) also reach a banned account, others do not. The worker checks the same again when it sends.
CREATE FUNCTION "mail_recipient_ok"(u users, transactional boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT u.email IS NOT NULL AND u.email_verified_at IS NOT NULL AND u.deleted_at IS NULL
       AND (transactional OR u.banned_at IS NULL OR (u.banned_until IS NOT NULL AND u.banned_until <= now()))
$$;

-- Reply notifications: a comment became visible (created approved, or approved by a moderator) as a reply to a
-- comment whose author opted in. Immediate mode: due at once; digest mode: held for the daily digest. One mail per
-- reply and recipient, ever (a reply approved again after a requeue is not announced twice).
CREATE FUNCTION "mail_outbox_enqueue_replies"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM mail_preferences WHERE replies <> 'off') THEN
        RETURN NULL;
    END IF;
    INSERT INTO mail_outbox (kind, user_id, comment_id, status, next_attempt_at)
    SELECT 'reply', p.author_id, c.id,
           CASE mp.replies WHEN 'immediate' THEN 'pending'::"MailStatus" ELSE 'held'::"MailStatus" END,
           CASE mp.replies WHEN 'immediate' THEN now() END
    FROM new_rows n
    JOIN comments c ON c.id = (n.data -> 'comment' ->> 'id')::uuid
    JOIN comments p ON p.id = c.parent_id
    JOIN users u ON u.id = p.author_id
    JOIN mail_preferences mp ON mp.user_id = u.id AND mp.replies <> 'off'
    WHERE n.type IN ('comment.created', 'comment.approved') AND (n.data ->> 'visible')::boolean
      AND p.author_id <> c.author_id AND mail_recipient_ok(u, false)
    ORDER BY n.id
    ON CONFLICT (user_id, comment_id) WHERE kind = 'reply' DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "mail_outbox_enqueue_replies"
    AFTER INSERT ON "domain_events"
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "mail_outbox_enqueue_replies"();

-- Statements of reasons (DSA Art. 17) to the reader they concern, banned or not: transactional, no opt-in. The
-- statements one statement inserts for one reader (a ban and the pending comments it rejects, a bulk decision) make
-- one mail listing them all (`data.items`), not one mail each.
CREATE FUNCTION "mail_outbox_enqueue_statements"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mail_outbox (kind, user_id, comment_id, ref_id, data)
    SELECT 'statement', s.user_id,
           (array_agg(s.comment_id ORDER BY s.created_at, s.id))[1],
           (array_agg(s.id ORDER BY s.created_at, s.id))[1],
           jsonb_build_object('items', jsonb_agg(s.id ORDER BY s.created_at, s.id))
    FROM new_rows s JOIN users u ON u.id = s.user_id
    WHERE mail_recipient_ok(u, true)
    GROUP BY s.user_id
    ORDER BY s.user_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "mail_outbox_enqueue_statements"
    AFTER INSERT ON "statements_of_reasons"
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "mail_outbox_enqueue_statements"();

-- The outcome of a notice to a notifier who left an address (DSA Art. 16(5)): once, when it is decided.
CREATE FUNCTION "mail_outbox_enqueue_notice_outcomes"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mail_outbox (kind, to_address, comment_id, ref_id)
    SELECT 'notice_outcome', n.notifier_email, n.comment_id, n.id
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE o.status = 'open' AND n.status <> 'open' AND n.notifier_email IS NOT NULL
    ORDER BY n.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "mail_outbox_enqueue_notice_outcomes"
    AFTER UPDATE ON "notices"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "mail_outbox_enqueue_notice_outcomes"();
