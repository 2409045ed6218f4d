import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';
import { checkUsername, type ReservedUsernames, USERNAME_MAX, usernameBase, type ValidUsername } from '../users/username-rules.js';

type Candidate = ValidUsername & { ok: true };

/**
 * An author's candidate usernames in order of preference (CPU only: the registration rules' folding, script and
 * reserved-name checks). The importer computes them while it reads, so they are ready when the batch is written.
 */
export function usernameCandidates(a: { key: string; name: string; username?: string }, reserved: ReservedUsernames): Candidate[] {
  const list: string[] = [];
  if (a.username) list.push(a.username);
  const base = usernameBase(a.name, { reserved });
  const short = base.slice(0, USERNAME_MAX - 9).replace(/[_-]+$/, '') || 'reader';
  const hashed = parseInt(createHash('sha256').update(a.key).digest('hex').slice(0, 12), 16) % 1_000_000;
  list.push(base, `${short}${hashed}`);
  return list.map((name) => checkUsername(name, { reserved })).filter((c): c is Candidate => c.ok);
}

/**
 * Usernames for a batch of imported authors in a fixed number of queries, however many namesakes exist (a site
 * with 30,000 "Ivan"s imports as fast as one with none): each author's name goes through the registration rules'
 * derivation (usernameBase: the same folding, script and reserved-name rules as SSO sign-ins), then the first free
 * of the base itself, the base with a number hashed from the author's source key (stable across re-runs), and the
 * base with a random number when both are taken. One query finds which candidates are taken (by normalised form or look-alike
 * skeleton); names given out earlier in the batch count as taken. `precomputed`: candidates worked out earlier.
 */
export async function deriveImportUsernames(
  client: pg.ClientBase,
  authors: { key: string; name: string; username?: string }[],
  reserved: ReservedUsernames,
  precomputed?: ReadonlyMap<string, Candidate[]>,
): Promise<Map<string, ValidUsername>> {
  const candidates = authors.map((a) => precomputed?.get(a.key) ?? usernameCandidates(a, reserved));
  const all = candidates.flat();
  const { rows } = await client.query<{ n: string; s: string | null }>(
    `SELECT username_normalized AS n, username_skeleton AS s FROM users
     WHERE username_normalized = ANY($1::text[]) OR username_skeleton = ANY($2::text[])`,
    [all.map((c) => c.normalized), all.map((c) => c.skeleton)],
  );
  const takenNormalized = new Set(rows.map((r) => r.n));
  const takenSkeleton = new Set(rows.map((r) => r.s));
  const out = new Map<string, ValidUsername>();
  authors.forEach((a, i) => {
    const free =
      candidates[i].find((c) => !takenNormalized.has(c.normalized) && !takenSkeleton.has(c.skeleton)) ??
      // Every candidate taken (extremely unlikely): a fresh random number, checked by the insert's unique index.
      (checkUsername(`reader${randomInt(10_000_000, 2_000_000_000)}`) as Candidate);
    takenNormalized.add(free.normalized);
    takenSkeleton.add(free.skeleton);
    out.set(a.key, { username: free.username, normalized: free.normalized, skeleton: free.skeleton });
  });
  return out;
}
