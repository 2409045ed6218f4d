import { isoUtc } from '../database/sql.js';

/**
 * The account export's SQL (account-export.service.ts). Each statement takes the account id as $1 and returns one
 * JSON text column `j` per element, built by PostgreSQL, in a stable order; the service reads them through a
 * cursor, a batch at a time, inside one REPEATABLE READ transaction (one snapshot for the whole document).
 *
 * Other people never appear: a staff member behind a decision is only `"staff"` (`"system"` for automatic
 * decisions, `"you"` for the holder's own actions); another reader's comment is only an id.
 */

/** Who did it, as the export says it: the holder, a staff member (not named), or the service itself. */
const actor = (column: string) => `CASE WHEN ${column} IS NULL THEN 'system' WHEN ${column} = $1::uuid THEN 'you' ELSE 'staff' END`;

export const EXPORT_ACCOUNT = `
SELECT json_build_object(
  'id', u.id, 'username', u.username, 'email', u.email, 'displayName', u.display_name, 'role', u.role,
  'hasPassword', u.password_hash IS NOT NULL, 'approvedCommentCount', u.approved_comment_count,
  'ban', CASE WHEN u.banned_at IS NOT NULL
              THEN json_build_object('since', ${isoUtc('u.banned_at')}, 'until', ${isoUtc('u.banned_until')}, 'reason', u.ban_reason) END,
  'emailVerifiedAt', ${isoUtc('u.email_verified_at')},
  'notifications', (SELECT json_build_object('replies', p.replies, 'queueDigest', p.queue_digest, 'locale', p.locale, 'updatedAt', ${isoUtc('p.updated_at')})
                    FROM mail_preferences p WHERE p.user_id = u.id),
  'createdAt', ${isoUtc('u.created_at')}, 'updatedAt', ${isoUtc('u.updated_at')})::text AS j,
  ${isoUtc('now()')} AS generated_at
FROM users u WHERE u.id = $1::uuid AND u.deleted_at IS NULL`;

/** The document's list sections, in document order. */
export const EXPORT_SECTIONS: readonly { key: string; sql: string }[] = [
  {
    key: 'identities',
    sql: `
SELECT json_build_object('issuer', i.issuer, 'subject', i.subject, 'linkedAt', ${isoUtc('i.created_at')}, 'lastSeenAt', ${isoUtc('i.last_seen_at')})::text AS j
FROM user_identities i WHERE i.user_id = $1::uuid ORDER BY i.created_at, i.id`,
  },
  {
    // One session = one refresh-token family (a sign-in and its rotations). Token hashes are never exported.
    key: 'sessions',
    sql: `
SELECT json_build_object(
  'id', t.family_id, 'signedInAt', ${isoUtc('min(t.family_started_at)')}, 'lastUsedAt', ${isoUtc('max(t.created_at)')},
  'expiresAt', ${isoUtc('max(t.expires_at)')},
  'endedAt', ${isoUtc('CASE WHEN bool_and(t.revoked_at IS NOT NULL) THEN max(t.revoked_at) END')},
  'active', bool_or(t.revoked_at IS NULL AND t.expires_at > now()), 'refreshes', count(*) - 1)::text AS j
FROM refresh_tokens t WHERE t.user_id = $1::uuid
GROUP BY t.family_id ORDER BY min(t.family_started_at), t.family_id`,
  },
  {
    key: 'comments',
    sql: `
SELECT json_build_object(
  'id', c.id,
  'article', (SELECT json_build_object('id', a.id, 'slug', a.slug, 'title', a.title) FROM articles a WHERE a.id = c.article_id),
  'parentId', c.parent_id, 'rootId', c.root_id, 'depth', c.depth, 'body', c.body, 'status', c.status,
  'statusReason', c.status_reason, 'version', c.version, 'reportCount', c.report_count,
  'createdAt', ${isoUtc('c.created_at')}, 'editedAt', ${isoUtc('c.edited_at')}, 'deletedAt', ${isoUtc('c.deleted_at')},
  'deletedBy', CASE WHEN c.deleted_at IS NULL THEN NULL WHEN c.deleted_by_id = c.author_id THEN 'you' ELSE 'staff' END,
  'revisions', coalesce((
    SELECT json_agg(json_build_object('version', r.version, 'body', r.body, 'createdAt', ${isoUtc('r.created_at')}) ORDER BY r.version, r.created_at)
    FROM comment_revisions r WHERE r.comment_id = c.id), '[]'),
  'history', coalesce((
    SELECT json_agg(json_build_object('at', ${isoUtc('m.created_at')}, 'action', m.action, 'fromStatus', m.from_status, 'toStatus', m.to_status,
                                      'reason', m.reason, 'by', ${actor('m.moderator_id')}) ORDER BY m.created_at, m.id)
    FROM moderation_actions m WHERE m.comment_id = c.id), '[]'))::text AS j
FROM comments c WHERE c.author_id = $1::uuid ORDER BY c.created_at, c.id`,
  },
  {
    key: 'reports',
    sql: `
SELECT json_build_object('id', r.id, 'commentId', r.comment_id, 'articleId', (SELECT c.article_id FROM comments c WHERE c.id = r.comment_id),
                         'reason', r.reason, 'createdAt', ${isoUtc('r.created_at')})::text AS j
FROM comment_reports r WHERE r.reporter_id = $1::uuid ORDER BY r.created_at, r.id`,
  },
  {
    key: 'reactions',
    sql: `
SELECT json_build_object('commentId', r.comment_id, 'articleId', (SELECT c.article_id FROM comments c WHERE c.id = r.comment_id),
                         'kind', r.kind, 'createdAt', ${isoUtc('r.created_at')})::text AS j
FROM comment_reactions r WHERE r.user_id = $1::uuid ORDER BY r.created_at, r.comment_id`,
  },
  {
    // Mails to the account (src/mail): what about and what became of them, never their text.
    key: 'mails',
    sql: `
SELECT json_build_object('kind', m.kind, 'status', m.status, 'commentId', m.comment_id, 'attempts', m.attempts,
                         'createdAt', ${isoUtc('m.created_at')}, 'completedAt', ${isoUtc('m.completed_at')})::text AS j
FROM mail_outbox m WHERE m.user_id = $1::uuid ORDER BY m.created_at, m.id`,
  },
  {
    // DSA notices the holder filed while signed in, with their own contact data as given and the outcome; the comment
    // noticed is only an id.
    key: 'notices',
    sql: `
SELECT json_build_object('id', n.id, 'commentId', n.comment_id, 'category', n.category, 'categorySpecification', n.category_specification,
                         'explanation', n.explanation, 'notifierName', n.notifier_name, 'notifierEmail', n.notifier_email,
                         'receivedAt', ${isoUtc('n.received_at')}, 'status', CASE WHEN n.status = 'open' THEN 'received' ELSE 'decided' END,
                         'outcome', n.outcome, 'decisionExplanation', n.decision_explanation, 'manifestlyUnfounded', n.manifestly_unfounded,
                         'decidedAt', ${isoUtc('n.decided_at')})::text AS j
FROM notices n WHERE n.notifier_user_id = $1::uuid ORDER BY n.received_at, n.id`,
  },
  {
    // DSA statements of reasons about the holder's comments and account, every field as they read it.
    key: 'decisions',
    sql: `
SELECT json_build_object(
  'id', s.id, 'puid', s.puid, 'action', s.action, 'commentId', s.comment_id, 'decisionVisibility', s.decision_visibility,
  'decisionAccount', s.decision_account, 'decisionProvision', s.decision_provision, 'restrictionEndsAt', ${isoUtc('s.restriction_ends_at')},
  'decisionGround', s.decision_ground, 'decisionGroundReferenceUrl', s.decision_ground_reference_url,
  'illegalContentLegalGround', s.illegal_content_legal_ground, 'illegalContentExplanation', s.illegal_content_explanation,
  'incompatibleContentGround', s.incompatible_content_ground, 'incompatibleContentExplanation', s.incompatible_content_explanation,
  'incompatibleContentIllegal', s.incompatible_content_illegal, 'category', s.category, 'categorySpecification', s.category_specification,
  'decisionFacts', s.decision_facts, 'sourceType', s.source_type, 'automatedDetection', s.automated_detection,
  'automatedDecision', s.automated_decision, 'territorialScope', s.territorial_scope, 'manifestlyIllegal', s.manifestly_illegal,
  'createdAt', ${isoUtc('s.created_at')}, 'reversedAt', ${isoUtc('s.reversed_at')}, 'reversedBy', s.reversed_by,
  'by', ${actor('s.decided_by_id')})::text AS j
FROM statements_of_reasons s WHERE s.user_id = $1::uuid ORDER BY s.created_at, s.id`,
  },
  {
    // DSA appeals the holder lodged, with their outcome.
    key: 'appeals',
    sql: `
SELECT json_build_object('id', a.id, 'decisionId', a.statement_id, 'status', a.status, 'explanation', a.explanation,
                         'outcomeExplanation', a.outcome_explanation, 'createdAt', ${isoUtc('a.created_at')}, 'decidedAt', ${isoUtc('a.decided_at')})::text AS j
FROM appeals a WHERE a.appellant_id = $1::uuid ORDER BY a.created_at, a.id`,
  },
  {
    // Decisions about the account itself. Their `details` (e.g. the publisher's issuer for a role from a token) stay
    // in the audit log.
    key: 'accountHistory',
    sql: `
SELECT json_build_object('at', ${isoUtc('m.created_at')}, 'action', m.action, 'reason', m.reason, 'by', ${actor('m.moderator_id')})::text AS j
FROM moderation_actions m WHERE m.target_user_id = $1::uuid ORDER BY m.created_at, m.id`,
  },
  {
    // What the holder did as staff: their actions on other people's comments, accounts, word lists and articles
    // (actions on their own comments are in each comment's history). Other accounts appear by no id or name.
    key: 'actionsAsStaff',
    sql: `
SELECT json_build_object('at', ${isoUtc('m.created_at')}, 'action', m.action, 'commentId', m.comment_id, 'articleId', m.article_id,
                         'fromStatus', m.from_status, 'toStatus', m.to_status, 'reason', m.reason)::text AS j
FROM moderation_actions m
WHERE m.moderator_id = $1::uuid AND m.target_user_id IS DISTINCT FROM $1::uuid
  AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.id = m.comment_id AND c.author_id = $1::uuid)
ORDER BY m.created_at, m.id`,
  },
];
