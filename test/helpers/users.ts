import { randomBytes } from 'node:crypto';
import type { TestApp } from './app.js';

export type TestRole = 'reader' | 'moderator' | 'admin';

export interface TestUser {
  id: string;
  username: string;
  email: string;
  token: string;
}

export const TEST_PASSWORD = 'correct-horse-battery-staple';

let counter = 0;

/**
 * Registers a user through the real API (so the token is a real one) and, for other roles, sets the role in the
 * database: the JWT strategy reloads the user on every request, so the role applies to this token at once.
 * Names are unique across parallel test files (counter + random suffix; usernames stay within 32 characters).
 */
export async function createUser(t: TestApp, opts: { role?: TestRole } = {}): Promise<TestUser> {
  const username = `u${++counter}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const email = `${username}@example.test`;
  const res = await t.http.post('/api/auth/register').send({ email, username, password: TEST_PASSWORD });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const { user, accessToken } = res.body as { user: { id: string }; accessToken: string };
  if (opts.role && opts.role !== 'reader') await t.prisma.user.update({ where: { id: user.id }, data: { role: opts.role } });
  return { id: user.id, username, email, token: accessToken };
}

/** `Authorization` header value for supertest's `.set('Authorization', bearer(user))`. */
export const bearer = (u: Pick<TestUser, 'token'>) => `Bearer ${u.token}`;
