import type { StateEffect } from '../comment-core/comment-state.js';
import { type Db, query } from '../database/db.js';
import { SqlParams } from '../database/sql.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ResolvedStatement } from './statement-policy.js';

/**
 * The DSA side of a comment's visibility change, as StateEffects (comment-core/comment-state.ts): one more CTE each in the
 * statement that changes the comment, so a decision, its statement of reasons, its counters, its audit row and the
 * closing of the notices about it commit together or not at all, at no extra round trip. Each effect reads the
 * `changed` rows; a bulk decision gets one statement per comment.
 */

/** Inserts one statement of reasons per changed comment (DSA Art. 17) and closes the open notices on it as acted upon. */
export function restrictionEffects(s: ResolvedStatement): StateEffect[] {
  return [
    {
      name: 'sor',
      sql: (p) => statementInsert(s, p),
    },
    {
      name: 'notices_acted_upon',
      sql: (p) => `UPDATE notices n SET status = 'decided', outcome = 'action_taken', decided_at = now(),
                     decided_by_id = ${p.p(s.decidedById, 'uuid')}, statement_id = sor.id
                   FROM sor WHERE n.comment_id = sor.comment_id AND n.status = 'open'
                   RETURNING n.id`,
    },
  ];
}

function statementInsert(s: ResolvedStatement, p: SqlParams): string {
  const category = p.p(s.category, 'text');
  const spec = p.p(s.categorySpecification, 'text[]');
  return `INSERT INTO statements_of_reasons (id, puid, comment_id, user_id, action, decision_visibility, decision_account,
      decision_provision, restriction_ends_at, decision_ground, decision_ground_reference_url, illegal_content_legal_ground,
      illegal_content_explanation, incompatible_content_ground, incompatible_content_explanation, incompatible_content_illegal,
      category, category_specification, decision_facts, source_type, automated_detection, automated_decision,
      territorial_scope, content_language, content_date, manifestly_illegal, decided_by_id, created_at)
    SELECT d.sor_id, d.sor_id::text, d.id, d.author_id, ${p.p(s.action, 'text')}, ${p.p(s.decisionVisibility, 'text[]')},
      ${p.p(s.decisionAccount, 'text')}, ${p.p(s.decisionProvision, 'text')}, ${p.p(s.restrictionEndsAt?.toISOString() ?? null, 'timestamptz')},
      ${p.p(s.decisionGround, 'text')}, ${p.p(s.decisionGroundReferenceUrl, 'text')}, ${p.p(s.illegalContentLegalGround, 'text')},
      ${p.p(s.illegalContentExplanation, 'text')}, ${p.p(s.incompatibleContentGround, 'text')}, ${p.p(s.incompatibleContentExplanation, 'text')},
      ${p.p(s.incompatibleContentIllegal, 'boolean')},
      COALESCE(${category}, first_notice.category, ${p.p(s.fallbackCategory, 'text')}),
      CASE WHEN ${category} IS NULL AND cardinality(${spec}) = 0 THEN COALESCE(first_notice.category_specification, '{}') ELSE ${spec} END,
      ${p.p(s.decisionFacts, 'text')},
      COALESCE(${p.p(s.sourceType, 'text')},
               CASE WHEN first_notice.category IS NOT NULL THEN 'SOURCE_ARTICLE_16'
                    WHEN d.report_count > 0 THEN 'SOURCE_TYPE_OTHER_NOTIFICATION'
                    ELSE 'SOURCE_VOLUNTARY' END),
      ${p.p(s.automatedDetection, 'boolean')}
        OR EXISTS (SELECT 1 FROM moderation_actions m WHERE m.comment_id = d.id AND m.action IN ('filter_hold', 'rule_hold')),
      ${p.p(s.automatedDecision, 'text')}, ${p.p(s.territorialScope, 'text[]')},
      (SELECT CASE WHEN a.language ~ '^[a-z]{2}$' THEN upper(a.language) END FROM articles a WHERE a.id = d.article_id),
      d.created_at, ${p.p(s.manifestlyIllegal, 'boolean')}, ${p.p(s.decidedById, 'uuid')}, now()
    -- A volatile function in a select list runs once per row: one id per statement.
    FROM (SELECT c.*, gen_random_uuid() AS sor_id FROM changed c) d
    LEFT JOIN LATERAL (
      SELECT n.category, n.category_specification FROM notices n
      WHERE n.comment_id = d.id AND n.status = 'open' ORDER BY n.received_at, n.id LIMIT 1
    ) first_notice ON true
    RETURNING id, comment_id`;
}

/**
 * A moderator approved the comment: the notices about it are decided without action (the notifier reads
 * `explanation`), and the restrictions still in force on it are lifted (reversed by moderation).
 */
export function approvalEffects(decidedById: string, explanation: string): StateEffect[] {
  return [
    {
      name: 'notices_kept',
      sql: (p) => `UPDATE notices n SET status = 'decided', outcome = 'no_action', decided_at = now(),
                     decided_by_id = ${p.p(decidedById, 'uuid')}, decision_explanation = ${p.p(explanation, 'text')}
                   FROM changed d WHERE n.comment_id = d.id AND n.status = 'open'
                   RETURNING n.id`,
    },
    liftStatements('moderation'),
  ];
}

/** The restrictions on the changed comments end: an appeal (Art. 20(4)) or a later approval reversed them. */
export function liftStatements(by: 'appeal' | 'moderation'): StateEffect {
  return {
    name: 'statements_lifted',
    sql: (p) => `UPDATE statements_of_reasons s SET reversed_at = now(), reversed_by = ${p.p(by, 'text')}
                 FROM changed d
                 WHERE s.comment_id = d.id AND s.reversed_at IS NULL AND cardinality(s.decision_visibility) > 0
                 RETURNING s.id`,
  };
}

/** Its author deleted the comment before anyone decided: the notices about it close, nothing left to act on. */
export const authorDeletionEffects: readonly StateEffect[] = [
  {
    name: 'notices_unavailable',
    sql: () => `UPDATE notices n SET status = 'decided', outcome = 'content_unavailable', decided_at = now()
                FROM changed d WHERE n.comment_id = d.id AND n.status = 'open'
                RETURNING n.id`,
  },
];

/**
 * A statement of reasons about an account rather than a comment (a ban, a misuse suspension, a notifier's hold),
 * inside the caller's transaction. `contentDate` is when the information concerned was first hosted (for an account:
 * its registration, as the Transparency Database documents); `createdAt` ties the statement to the ban it explains.
 */
export async function insertAccountStatement(
  db: Db,
  s: ResolvedStatement,
  target: { userId: string | null; contentDate: Date; createdAt?: Date },
): Promise<string> {
  const p = new SqlParams();
  const [row] = await query<{ id: string }>(
    db,
    `INSERT INTO statements_of_reasons (id, puid, user_id, action, decision_visibility, decision_account, decision_provision,
       restriction_ends_at, decision_ground, decision_ground_reference_url, illegal_content_legal_ground, illegal_content_explanation,
       incompatible_content_ground, incompatible_content_explanation, incompatible_content_illegal, category, category_specification,
       decision_facts, source_type, automated_detection, automated_decision, territorial_scope, content_date, manifestly_illegal,
       decided_by_id, created_at)
     SELECT x.id, x.id::text, ${p.p(target.userId, 'uuid')}, ${p.p(s.action, 'text')}, ${p.p(s.decisionVisibility, 'text[]')},
       ${p.p(s.decisionAccount, 'text')}, ${p.p(s.decisionProvision, 'text')}, ${p.p(s.restrictionEndsAt?.toISOString() ?? null, 'timestamptz')},
       ${p.p(s.decisionGround, 'text')}, ${p.p(s.decisionGroundReferenceUrl, 'text')}, ${p.p(s.illegalContentLegalGround, 'text')},
       ${p.p(s.illegalContentExplanation, 'text')}, ${p.p(s.incompatibleContentGround, 'text')}, ${p.p(s.incompatibleContentExplanation, 'text')},
       ${p.p(s.incompatibleContentIllegal, 'boolean')}, ${p.p(s.category ?? s.fallbackCategory, 'text')}, ${p.p(s.categorySpecification, 'text[]')},
       ${p.p(s.decisionFacts, 'text')}, ${p.p(s.sourceType ?? 'SOURCE_VOLUNTARY', 'text')}, ${p.p(s.automatedDetection, 'boolean')},
       ${p.p(s.automatedDecision, 'text')}, ${p.p(s.territorialScope, 'text[]')}, ${p.p(target.contentDate.toISOString(), 'timestamptz')},
       false, ${p.p(s.decidedById, 'uuid')}, COALESCE(${p.p(target.createdAt?.toISOString() ?? null, 'timestamptz')}, now())
     FROM (SELECT gen_random_uuid() AS id) x
     RETURNING id`,
    p.values,
  );
  return row.id;
}

/**
 * A ban was lifted (an unban): the account restrictions in force end with it, its statements of reasons are
 * reversed by moderation and its misuse suspensions lifted, in the caller's transaction.
 */
export async function liftAccountRestrictions(tx: Prisma.TransactionClient, userId: string, at: Date): Promise<void> {
  await tx.statementOfReasons.updateMany({
    where: { userId, decisionAccount: { not: null }, reversedAt: null },
    data: { reversedAt: at, reversedBy: 'moderation' },
  });
  await tx.misuseMeasure.updateMany({
    where: { userId, kind: 'author_suspension', liftedAt: null },
    data: { liftedAt: at },
  });
}
