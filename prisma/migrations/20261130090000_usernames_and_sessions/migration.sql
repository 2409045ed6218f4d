-- Sessions get an absolute lifetime: each refresh-token family remembers when its sign-in happened.
-- Existing families started with their oldest token (tokens are never deleted, only revoked).
ALTER TABLE "refresh_tokens" ADD COLUMN "family_started_at" TIMESTAMPTZ(3);

UPDATE "refresh_tokens" AS r
SET "family_started_at" = f."started"
FROM (SELECT "family_id", min("created_at") AS "started" FROM "refresh_tokens" GROUP BY "family_id") AS f
WHERE r."family_id" = f."family_id";

ALTER TABLE "refresh_tokens" ALTER COLUMN "family_started_at" SET NOT NULL;

-- Usernames are unique by their confusable skeleton (src/users/username-rules.ts). The skeleton is computed in the
-- application (Unicode TR39 data), so existing accounts get theirs when the service starts (oldest first); an
-- account whose skeleton an older one already holds stays NULL and is reported by `npm run db:usernames`.
ALTER TABLE "users" ADD COLUMN "username_skeleton" TEXT;

CREATE UNIQUE INDEX "users_username_skeleton_key" ON "users"("username_skeleton");
