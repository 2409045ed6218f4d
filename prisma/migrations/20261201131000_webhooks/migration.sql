-- Webhooks (Standard Webhooks): endpoints managed by admins, and the outbox of deliveries a worker sends with
-- `FOR UPDATE SKIP LOCKED` (src/webhooks/webhook-worker.service.ts). Delivery rows are written in the transaction
-- of the change that causes them, so a change that rolls back announces nothing and a committed one is never lost.

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "events" TEXT[],
    "secret_ciphertext" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_at" TIMESTAMPTZ(3),
    "disabled_reason" TEXT,
    "last_success_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "event_id" BIGINT,
    "article_id" UUID,
    "message_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_response_code" INTEGER,
    "last_error" TEXT,
    "last_duration_ms" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_endpoints_created_at_id_idx" ON "webhook_endpoints"("created_at", "id");

-- CreateIndex
CREATE INDEX "webhook_endpoints_created_by_id_idx" ON "webhook_endpoints"("created_by_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_created_at_id_idx" ON "webhook_deliveries"("endpoint_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_status_created_at_id_idx" ON "webhook_deliveries"("endpoint_id", "status", "created_at", "id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_article_id_idx" ON "webhook_deliveries"("article_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"("next_attempt_at") WHERE (status = 'pending');

-- CreateIndex
CREATE INDEX "webhook_deliveries_finished_idx" ON "webhook_deliveries"("completed_at") WHERE (status <> 'pending');

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_id_message_id_key" ON "webhook_deliveries"("endpoint_id", "message_id");

-- AddForeignKey
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (not visible to the drift check): an endpoint subscribes to at least one event type; a pending
-- delivery always has a due time and a finished one none; attempts never go negative.
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_events_check" CHECK ("events" IS NOT NULL AND cardinality("events") >= 1);
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_schedule_check" CHECK (("status" = 'pending') = ("next_attempt_at" IS NOT NULL));
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_attempts_check" CHECK ("attempts" >= 0);

-- The outbox: every committed domain event (domain_events, 20261201120000) becomes one delivery per enabled endpoint
-- subscribed to its type, inserted by this trigger in the event's own transaction. So a change that rolls back
-- announces nothing, a committed one is never lost (the worker finds the row after any crash or restart), and no
-- code path that produces events knows about webhooks. The payload is copied (the event log is pruned after
-- DOMAIN_EVENTS_RETENTION_HOURS; deliveries may retry for about a day, and are kept for their history).
--   webhook-id: msg_<event id>_<random>, one per event, the same on every attempt; the random part keeps ids unique
--   even if the database is restored from a backup and event ids are handed out again.
--   body: {"type":…,"timestamp":<occurred_at, ISO 8601 UTC>,"data":…} (Standard Webhooks payload shape).
-- Endpoints are read FOR KEY SHARE: an endpoint being deleted at that moment is waited for (and then skipped),
-- never a foreign-key error that would fail the change itself.
CREATE FUNCTION "webhook_deliveries_enqueue"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled) THEN
        RETURN NULL;
    END IF;
    WITH ev AS MATERIALIZED (
        SELECT n.id, n.type, n.article_id,
               'msg_' || n.id || '_' || substr(md5(gen_random_uuid()::text), 1, 12) AS message_id,
               format('{"type":%s,"timestamp":%s,"data":%s}',
                      to_json(n.type),
                      to_json(to_char(n.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                      n.data::text) AS payload
        FROM new_rows n
    ), targets AS (
        SELECT ev.id AS event_id, ev.article_id, ev.message_id, ev.type, ev.payload, e.id AS endpoint_id
        FROM ev JOIN webhook_endpoints e ON e.enabled AND ev.type = ANY (e.events)
        FOR KEY SHARE OF e
    )
    INSERT INTO webhook_deliveries (id, endpoint_id, event_id, article_id, message_id, event_type, payload)
    SELECT gen_random_uuid(), t.endpoint_id, t.event_id, t.article_id, t.message_id, t.type, t.payload
    FROM targets t
    ORDER BY t.event_id, t.endpoint_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "webhook_deliveries_enqueue"
    AFTER INSERT ON "domain_events"
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "webhook_deliveries_enqueue"();
