-- Per-article overrides of the newsroom's triage rules (docs/triage.md): sections of the rules (newAccounts, links,
-- history, emailDomains, skip) that replace the global ones on this article; NULL: the global rules.
ALTER TABLE articles ADD COLUMN triage_overrides jsonb;
