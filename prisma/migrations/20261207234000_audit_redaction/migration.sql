-- The audit trail stays append-only, with one exception: erasing an account (GDPR Art. 17) redacts the erased
-- person's name from the free text (`reason`) of the rows about them. Only `reason` may change, and only inside a
-- transaction that set `newsroom.audit_redaction` to 'on' (src/privacy/erasure-redaction.ts); everything else is
-- refused as before.
CREATE OR REPLACE FUNCTION "moderation_actions_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('newsroom.audit_redaction', true) = 'on'
       AND (NEW.id, NEW.comment_id, NEW.moderator_id, NEW.target_user_id, NEW.article_id, NEW.action, NEW.from_status,
            NEW.to_status, NEW.details, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.comment_id, OLD.moderator_id, OLD.target_user_id, OLD.article_id, OLD.action, OLD.from_status,
            OLD.to_status, OLD.details, OLD.created_at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'moderation_actions is append-only';
END;
$$;
