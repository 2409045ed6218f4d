import { type Db, query } from '../database/db.js';

/** What replaces an erased person's name in free text. */
export const REDACTED_NAME = '[erased]';

/** The free-text columns of a statement of reasons that staff (or a decision reason) wrote. */
const STATEMENT_TEXT = [
  'decision_facts',
  'illegal_content_legal_ground',
  'illegal_content_explanation',
  'incompatible_content_ground',
  'incompatible_content_explanation',
] as const;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/**
 * A PostgreSQL regular expression matching any of `names` as a whole word (not inside a longer word: erasing
 * "ivan" leaves "ivanka"), case-insensitively with the `i` flag. Null when there is nothing to look for.
 */
export function namePattern(names: readonly (string | null | undefined)[]): string | null {
  const words = [...new Set(names.map((n) => n?.trim()).filter((n): n is string => !!n && n.length >= 3))];
  if (!words.length) return null;
  words.sort((a, b) => b.length - a.length); // the longest first: "Ivan Petrov" before "Ivan"
  return `(?<![[:alnum:]_])(${words.map(escapeRegex).join('|')})(?![[:alnum:]_])`;
}

/**
 * Erasure (GDPR Art. 17): the erased account's names (username, display name) are removed from the free text the
 * service keeps about the account: ban reasons and moderators' notes copied into statements of reasons and audit
 * rows about the account or its comments. The audit trail allows exactly this change (migration
 * 20261207234000_audit_redaction) inside this transaction.
 */
export async function redactErasedNames(db: Db, userId: string, names: readonly (string | null | undefined)[]): Promise<void> {
  const pattern = namePattern(names);
  if (!pattern) return;
  const about = `(user_id = $1::uuid OR comment_id IN (SELECT id FROM comments WHERE author_id = $1::uuid))`;
  await query(
    db,
    `UPDATE statements_of_reasons SET ${STATEMENT_TEXT.map((c) => `${c} = regexp_replace(${c}, $2, $3, 'gi')`).join(', ')}
     WHERE ${about} AND (${STATEMENT_TEXT.map((c) => `${c} ~* $2`).join(' OR ')})`,
    [userId, pattern, REDACTED_NAME],
  );
  await query(db, `SELECT set_config('newsroom.audit_redaction', 'on', true)`, []);
  await query(
    db,
    `UPDATE moderation_actions SET reason = regexp_replace(reason, $2, $3, 'gi')
     WHERE ${about.replace('user_id', 'target_user_id')} AND reason ~* $2`,
    [userId, pattern, REDACTED_NAME],
  );
  await query(db, `SELECT set_config('newsroom.audit_redaction', 'off', true)`, []);
}
