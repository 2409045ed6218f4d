-- Hand-written: an import writes thousands of replies per statement; the per-row trigger that keeps
-- comments.reply_count would update a parent once per reply (each update a new row version in ~20 indexes). An
-- import sets `newsroom.import` for its own statement (comment-core/imported-comments.ts) and writes the counts
-- itself, one update per parent per batch; every other writer keeps the trigger's behaviour.
CREATE OR REPLACE FUNCTION comments_reply_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was int := 0;
  now_visible int := 0;
BEGIN
  IF current_setting('newsroom.import', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.parent_id IS NOT NULL AND OLD.status = 'approved' AND OLD.deleted_at IS NULL THEN
    was := 1;
  END IF;
  IF NEW.parent_id IS NOT NULL AND NEW.status = 'approved' AND NEW.deleted_at IS NULL THEN
    now_visible := 1;
  END IF;
  IF now_visible <> was THEN
    UPDATE comments SET reply_count = reply_count + now_visible - was WHERE id = NEW.parent_id;
  END IF;
  RETURN NULL;
END $$;
