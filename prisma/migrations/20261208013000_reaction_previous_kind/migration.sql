-- The kind a reaction had before its last change, returned by the upsert so the counters give it back
-- (RETURNING old.* exists only from PostgreSQL 18; this works from 15).
ALTER TABLE "comment_reactions" ADD COLUMN "previous_kind" TEXT;
