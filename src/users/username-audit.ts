import type pg from 'pg';
import { checkUsername, type ReservedUsernames, type UsernameProblem, usernameSkeleton } from './username-rules.js';

/**
 * Accounts created before the username rules (username-rules.ts) have no stored skeleton. `fillUsernameSkeletons`
 * gives each one its skeleton, oldest account first; an account whose skeleton an older account already holds
 * keeps its name but no skeleton, and is reported as a collision for an admin to resolve (one of two look-alike
 * names must change). Runs at startup (UsernamesService) and in `npm run db:usernames`, which also reports names
 * that break today's rules.
 */

export interface UsernameCollision {
  userId: string;
  username: string;
  /** The older account that holds the same skeleton. */
  collidesWith: { userId: string; username: string };
}

export interface UsernameViolation {
  userId: string;
  username: string;
  role: string;
  problem: UsernameProblem;
}

const BATCH = 1000;
// One instance fills at a time (several booting together would race for the same skeletons).
const FILL_LOCK = 'newsroom:username-skeleton-fill';

interface Row {
  id: string;
  username: string;
  created_at: Date;
}

export async function fillUsernameSkeletons(pool: pg.Pool): Promise<{ filled: number; collisions: UsernameCollision[] } | null> {
  const client = await pool.connect();
  try {
    const { rows: lock } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [FILL_LOCK]);
    if (!lock[0]?.ok) return null;
    try {
      let filled = 0;
      const collisions: UsernameCollision[] = [];
      let after: Row | undefined;
      for (;;) {
        const { rows } = await client.query<Row>(
          `SELECT id, username, created_at FROM users
           WHERE username_skeleton IS NULL AND deleted_at IS NULL AND ($1::timestamptz IS NULL OR (created_at, id) > ($1, $2::uuid))
           ORDER BY created_at, id LIMIT ${BATCH}`,
          [after?.created_at ?? null, after?.id ?? null],
        );
        if (!rows.length) break;
        after = rows.at(-1);
        const keyed = rows.map((r) => ({ ...r, skeleton: usernameSkeleton(r.username) }));
        const { rows: holders } = await client.query<{ id: string; username: string; username_skeleton: string }>(
          'SELECT id, username, username_skeleton FROM users WHERE username_skeleton = ANY($1::text[])',
          [keyed.map((r) => r.skeleton)],
        );
        const claimed = new Map(holders.map((h) => [h.username_skeleton, { userId: h.id, username: h.username }]));
        const todo: typeof keyed = [];
        for (const r of keyed) {
          const holder = claimed.get(r.skeleton);
          if (holder) collisions.push({ userId: r.id, username: r.username, collidesWith: holder });
          else {
            claimed.set(r.skeleton, { userId: r.id, username: r.username });
            todo.push(r);
          }
        }
        for (const r of todo) {
          // One row at a time: a registration made meanwhile may have taken the skeleton (unique violation).
          const done = await client
            .query('UPDATE users SET username_skeleton = $2 WHERE id = $1 AND username_skeleton IS NULL', [r.id, r.skeleton])
            .then(() => true)
            .catch((err: { code?: string }) => {
              if (err.code !== '23505') throw err;
              return false;
            });
          if (done) {
            filled++;
            continue;
          }
          const { rows: taken } = await client.query<{ id: string; username: string }>(
            'SELECT id, username FROM users WHERE username_skeleton = $1',
            [r.skeleton],
          );
          if (taken[0])
            collisions.push({ userId: r.id, username: r.username, collidesWith: { userId: taken[0].id, username: taken[0].username } });
        }
      }
      return { filled, collisions };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [FILL_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** Every existing username that today's rules would refuse (invisible characters, mixed scripts, a reader holding a reserved name…). */
export async function findUsernameViolations(pool: pg.Pool, reserved: ReservedUsernames): Promise<UsernameViolation[]> {
  const out: UsernameViolation[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await pool.query<{ id: string; username: string; role: string }>(
      `SELECT id, username, role::text AS role FROM users WHERE id > $1 AND deleted_at IS NULL ORDER BY id LIMIT ${BATCH}`,
      [after],
    );
    if (!rows.length) return out;
    after = rows.at(-1)!.id;
    for (const u of rows) {
      const check = checkUsername(u.username, { reserved, staff: u.role !== 'reader' });
      if (!check.ok) out.push({ userId: u.id, username: u.username, role: u.role, problem: check.problem });
    }
  }
}
