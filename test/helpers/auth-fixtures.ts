import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Role } from '../../src/generated/prisma/enums.js';
import type { TestApp } from './app.js';

/** Unique per call and per worker (test files share one database): lowercase, ≤ 20 chars. */
export function uniq(prefix = 'u'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`.slice(0, 20);
}

export const PASSWORD = 'correct horse battery';

export interface TestUser {
  id: string;
  email: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers through the API (so tests exercise the real flow), then optionally sets the role directly. */
export async function registerUser(t: TestApp, opts: { role?: Role; password?: string } = {}): Promise<TestUser> {
  const username = uniq();
  const email = `${username}@example.com`;
  const password = opts.password ?? PASSWORD;
  const res = await t.http.post('/api/auth/register').send({ email, username, password });
  expect(res.status).toBe(201);
  const user: TestUser = {
    id: res.body.user.id,
    email,
    username,
    password,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
  if (opts.role && opts.role !== 'reader') await t.prisma.user.update({ where: { id: user.id }, data: { role: opts.role } });
  return user;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
