import type { Role } from '../../src/generated/prisma/enums.js';
import type { TestApp } from '../helpers/app.js';
import { uniq } from './unique.js';

export type TestRole = Role;

/** A registered account and the tokens its registration returned. */
export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  /** The access token (`Authorization: Bearer …`). */
  token: string;
  refreshToken: string;
}

export const TEST_PASSWORD = 'correct-horse-battery-staple';

export interface UserOverrides {
  role?: Role;
  username?: string;
  email?: string;
  password?: string;
  /** Sent with the registration request, e.g. a fresh `X-Forwarded-For` where rate limits are on. */
  headers?: Record<string, string>;
}

/**
 * Registers a user through the real API (so the tokens are real ones) and, for another role, sets the role in the
 * database: the JWT strategy reloads the user on every request, so the role applies to these tokens at once.
 * Names are unique across parallel test files (usernames stay within 32 characters).
 */
export async function createUser(t: TestApp, overrides: UserOverrides = {}): Promise<TestUser> {
  const username = overrides.username ?? uniq('u');
  const email = overrides.email ?? `${username}@example.test`;
  const password = overrides.password ?? TEST_PASSWORD;
  const res = await t.http
    .post('/api/auth/register')
    .set(overrides.headers ?? {})
    .send({ email, username, password });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { user: { id: string; username: string }; accessToken: string; refreshToken: string };
  if (overrides.role && overrides.role !== 'reader')
    await t.prisma.user.update({ where: { id: body.user.id }, data: { role: overrides.role } });
  return { id: body.user.id, username: body.user.username, email, password, token: body.accessToken, refreshToken: body.refreshToken };
}

export const createReader = (t: TestApp, overrides: Omit<UserOverrides, 'role'> = {}) => createUser(t, overrides);
export const createModerator = (t: TestApp, overrides: Omit<UserOverrides, 'role'> = {}) =>
  createUser(t, { ...overrides, role: 'moderator' });
export const createAdmin = (t: TestApp, overrides: Omit<UserOverrides, 'role'> = {}) => createUser(t, { ...overrides, role: 'admin' });

/** `Authorization` header value, for supertest's `.set('Authorization', bearer(user))`; takes a user or a raw token. */
export const bearer = (u: Pick<TestUser, 'token'> | string) => `Bearer ${typeof u === 'string' ? u : u.token}`;

/** The `Authorization` header as an object, for supertest's `.set(authHeader(user))`; takes a user or a raw token. */
export const authHeader = (u: Pick<TestUser, 'token'> | string) => ({ Authorization: bearer(u) });
