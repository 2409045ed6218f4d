import { type Db, query } from '../database/db.js';
import type { Queryable } from '../database/sql.js';

/**
 * The notifier's personal data in notices (name, email, and the key that counts their notices for misuse), removed
 * when the notifier erases their account and, for everyone, after the retention periods (privacy/).
 */

/** An erased account: the contact data it left in notices, filed signed in or anonymously with the same address. */
export async function scrubNotifierContacts(db: Db, userId: string, email: string | null): Promise<void> {
  await query(
    db,
    `UPDATE notices SET notifier_name = NULL, notifier_email = NULL
     WHERE notifier_user_id = $1::uuid OR ($2::text IS NOT NULL AND lower(notifier_email) = lower($2::text))`,
    [userId, email],
  );
}

/** Retention: removes up to `batch` notifiers' names and emails from notices decided before `cutoff`; returns how many. */
export async function expireNotifierContacts(db: Queryable, cutoff: Date, batch: number): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE notices SET notifier_name = NULL, notifier_email = NULL WHERE id IN (
       SELECT id FROM notices WHERE decided_at < $1 AND (notifier_name IS NOT NULL OR notifier_email IS NOT NULL)
       ORDER BY decided_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)`,
    [cutoff],
  );
  return rowCount ?? 0;
}

/** Retention: forgets up to `batch` notifier keys of notices decided before `cutoff` (the misuse window); returns how many. */
export async function expireNotifierKeys(db: Queryable, cutoff: Date, batch: number): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE notices SET notifier_key = NULL WHERE id IN (
       SELECT id FROM notices WHERE decided_at < $1 AND notifier_key IS NOT NULL ORDER BY decided_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)`,
    [cutoff],
  );
  return rowCount ?? 0;
}
