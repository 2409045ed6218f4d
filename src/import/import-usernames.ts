import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';
import { checkUsername, type ReservedUsernames, USERNAME_MAX, usernameBase, type ValidUsername } from '../users/username-rules.js';

type Candidate = ValidUsername & { ok: true };

/** Bases by name: namesakes ("Иван Петров" a thousand times) are worked out once; kept small. */
const baseByName = new Map<string, Candidate | undefined>();

/**
 * An author's first choices of username: the source's own (native files), then the base derived from the name (CPU
 * only: the registration rules' folding, script and reserved-name checks). The importer works them out while it
 * reads, so they are ready when the batch is written.
 */
export function usernameCandidates(a: { key: string; name: string; username?: string }, reserved: ReservedUsernames): Candidate[] {
  const out: Candidate[] = [];
  if (a.username) {
    const own = checkUsername(a.username, { reserved });
    if (own.ok) out.push(own);
  }
  let base = baseByName.get(a.name);
  if (!baseByName.has(a.name)) {
    const checked = checkUsername(usernameBase(a.name, { reserved }), { reserved });
    base = checked.ok ? checked : undefined;
    if (baseByName.size >= 10_000) baseByName.clear();
    baseByName.set(a.name, base);
  }
  if (base) out.push(base);
  return out;
}

/** The fallback when the first choices are taken: the base with a number hashed from the author's source key (stable across re-runs). */
function hashedCandidate(a: { key: string; name: string }, reserved: ReservedUsernames): Candidate | undefined {
  const base = usernameBase(a.name, { reserved });
  const short = base.slice(0, USERNAME_MAX - 9).replace(/[_-]+$/, '') || 'reader';
  const hashed = parseInt(createHash('sha256').update(a.key).digest('hex').slice(0, 12), 16) % 1_000_000;
  const checked = checkUsername(`${short}${hashed}`, { reserved });
  return checked.ok ? checked : undefined;
}

async function takenNames(client: pg.ClientBase, candidates: Candidate[]) {
  const { rows } = await client.query<{ n: string; s: string | null }>(
    `SELECT username_normalized AS n, username_skeleton AS s FROM users
     WHERE username_normalized = ANY($1::text[]) OR username_skeleton = ANY($2::text[])`,
    [candidates.map((c) => c.normalized), candidates.map((c) => c.skeleton)],
  );
  return { normalized: new Set(rows.map((r) => r.n)), skeleton: new Set(rows.map((r) => r.s)) };
}

/**
 * Usernames for a batch of imported authors in at most two queries, however many namesakes exist (a site with
 * 30,000 "Ivan"s imports as fast as one with none): each author's name goes through the registration rules'
 * derivation (usernameBase: the same folding, script and reserved-name rules as SSO sign-ins), then the first free
 * of the base itself, the base with a number hashed from the author's source key (stable across re-runs; worked out
 * only for the authors whose base is taken), and the base with a random number when both are taken. A query finds
 * which candidates are taken (by normalised form or look-alike skeleton); names given out earlier in the batch count
 * as taken. `precomputed`: first choices worked out while reading.
 */
export async function deriveImportUsernames(
  client: pg.ClientBase,
  authors: { key: string; name: string; username?: string }[],
  reserved: ReservedUsernames,
  precomputed?: ReadonlyMap<string, Candidate[]>,
): Promise<Map<string, ValidUsername>> {
  const first = authors.map((a) => precomputed?.get(a.key) ?? usernameCandidates(a, reserved));
  const taken = await takenNames(client, first.flat());
  const out = new Map<string, ValidUsername>();
  const give = (key: string, c: Candidate) => {
    taken.normalized.add(c.normalized);
    taken.skeleton.add(c.skeleton);
    out.set(key, { username: c.username, normalized: c.normalized, skeleton: c.skeleton });
  };
  const free = (c: Candidate | undefined) => c && !taken.normalized.has(c.normalized) && !taken.skeleton.has(c.skeleton);
  const rest: { a: (typeof authors)[number]; hashed: Candidate | undefined }[] = [];
  authors.forEach((a, i) => {
    const c = first[i].find(free);
    if (c) give(a.key, c);
    else rest.push({ a, hashed: hashedCandidate(a, reserved) });
  });
  if (!rest.length) return out;
  const more = await takenNames(
    client,
    rest.flatMap((r) => (r.hashed ? [r.hashed] : [])),
  );
  for (const n of more.normalized) taken.normalized.add(n);
  for (const s of more.skeleton) taken.skeleton.add(s);
  for (const { a, hashed } of rest) {
    // Every candidate taken (extremely unlikely): a fresh random number, checked by the insert's unique index.
    give(a.key, free(hashed) ? hashed! : (checkUsername(`reader${randomInt(10_000_000, 2_000_000_000)}`) as Candidate));
  }
  return out;
}
