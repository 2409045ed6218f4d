-- The client's address and user agent of a new or edited comment, for the spam service only (docs/triage.md,
-- docs/legal.md): written only while one is configured, encrypted (AES-256-GCM, `sealed`), deleted after the
-- decision plus SPAM_FEEDBACK_DAYS (`delete_after`), at once when the service is turned off.
CREATE TABLE comment_client_data (
  comment_id   uuid        PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE ON UPDATE CASCADE,
  sealed       text        NOT NULL,
  -- What the spam service said (ham, spam, discard), so a moderator's override can be reported to it.
  spam_verdict text,
  delete_after timestamptz NOT NULL
);

CREATE INDEX comment_client_data_delete_after_idx ON comment_client_data (delete_after);
