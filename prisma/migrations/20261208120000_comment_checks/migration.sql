-- Automated checks of new and edited comments (src/comments/comment-checks.service.ts, docs/triage.md): a comment
-- that a check (the publisher's classifier) must decide is stored as pending with a row here, in the statement that
-- stores it; the decision removes the row in its own statement. A row left behind (a process stopped between the
-- two) is claimed by the resume worker once `claimed_until` has passed.
CREATE TABLE comment_checks (
  comment_id    uuid        PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE ON UPDATE CASCADE,
  -- The comment's version the check judges: a change since (a moderator's decision, an edit) makes the check moot.
  version       integer     NOT NULL,
  -- The status the comment takes when the check lets it through: approved (post-moderated) or pending.
  publish_to    "CommentStatus" NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz NOT NULL,
  attempts      integer     NOT NULL DEFAULT 0
);

CREATE INDEX comment_checks_claimed_until_idx ON comment_checks (claimed_until);
