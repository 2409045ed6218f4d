import type pg from 'pg';

/**
 * Accounts an import creates for the authors of imported comments (src/import): *unclaimed*, with no password and
 * no login email, so nobody can sign in as them; the address the comments carried is kept as `claim_email` only,
 * for the claim rule (auth/sso/sso-accounts.service.ts). One statement per batch.
 */
export interface UnclaimedAccount {
  id: string;
  username: string;
  normalized: string;
  skeleton: string;
  displayName: string;
  claimEmail: string | null;
  importKey: string;
}

/** Inserts the accounts (all or none: a unique violation fails the caller's transaction). Returns how many. */
export async function insertUnclaimedAccounts(client: pg.ClientBase, accounts: UnclaimedAccount[]): Promise<number> {
  if (!accounts.length) return 0;
  const col = <K extends keyof UnclaimedAccount>(k: K) => accounts.map((a) => a[k]);
  const created = await client.query(
    `INSERT INTO users (id, email, username, username_normalized, username_skeleton, display_name, password_hash, unclaimed,
                        claim_email, import_key, updated_at)
     SELECT id, NULL, username, normalized, skeleton, display_name, NULL, true, claim_email, import_key, now()
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS t(id, username, normalized, skeleton, display_name, claim_email, import_key)`,
    [col('id'), col('username'), col('normalized'), col('skeleton'), col('displayName'), col('claimEmail'), col('importKey')],
  );
  return created.rowCount ?? 0;
}
