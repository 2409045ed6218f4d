import { connectClient } from './connect.js';

/** Tables the service only appends to (moderation_actions also has a trigger that refuses UPDATE and DELETE). */
const APPEND_ONLY_TABLES = ['moderation_actions', 'comment_revisions'];

/**
 * Gives the role the service runs as exactly the rights it uses, on every table the migrations created: read and
 * write rows (no DDL, no TRUNCATE), only insert and read on the append-only tables, only read the migration
 * history (the service checks it at start-up), and call the posting gate, the revision-erasing and the mail-recipient functions. Run by the migration step as the schema owner after each deploy,
 * so tables added later are covered; idempotent.
 */
export async function grantServiceRole(connectionString: string, role: string): Promise<void> {
  const client = await connectClient(connectionString, 'newsroom-migrate');
  const r = client.escapeIdentifier(role);
  try {
    await client.query('BEGIN');
    await client.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await client.query(`REVOKE INSERT, UPDATE, DELETE ON "_prisma_migrations" FROM ${r}`);
    for (const table of APPEND_ONLY_TABLES) await client.query(`REVOKE UPDATE, DELETE ON ${client.escapeIdentifier(table)} FROM ${r}`);
    // Posting a comment calls it inside its insert statement (comment-core/comment-state.ts); explicit, whatever PUBLIC may do.
    await client.query(`GRANT EXECUTE ON FUNCTION comment_post_gate(uuid, uuid, text, integer, text) TO ${r}`);
    // Account erasure deletes the earlier versions of erased comments through it (migration 20261201141000): the one
    // deletion from comment_revisions the service may make.
    await client.query(`GRANT EXECUTE ON FUNCTION erase_comment_revisions(uuid[]) TO ${r}`);
    // The mail worker's queue digest asks it who may receive mail (migration 20261208020000, src/mail/mail-queue.ts).
    await client.query(`GRANT EXECUTE ON FUNCTION mail_recipient_ok(users, boolean) TO ${r}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}
