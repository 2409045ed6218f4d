import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createUser, postComment, type TestUser } from '../../factories/index.js';

/**
 * The e-mail domain rule of the triage rules (src/triage/triage-rules.ts, disposable-domains.ts): accounts on a
 * disposable domain are refused at registration or their comments held; the shipped list can be replaced by a
 * file (DISPOSABLE_EMAIL_DOMAINS_FILE) and adjusted (`blocked`, `allowed`); an account without an e-mail (SSO) is
 * judged by the other rules. Global rules: a database of its own.
 */
let db: ScratchDatabase;
let t: TestApp;
let admin: TestUser;
let moderator: TestUser;
let seq = 0;

const RULES = (emailDomains: { action: string; blocked?: string[]; allowed?: string[] }) => ({
  newAccounts: { approvedBelow: 3, holdFirstComments: 0, holdYoungerThanDays: 0 },
  links: { hold: 'new_accounts', maxLinks: 0, allowedDomains: [] },
  history: { action: 'off', lastComments: 10, minDecided: 3, rejectedPercent: 50 },
  emailDomains: { blocked: [], allowed: [], ...emailDomains },
  skip: { staff: true, trusted: true },
});

const setRules = async (app: TestApp, emailDomains: Parameters<typeof RULES>[0]) =>
  (await app.http.put('/api/admin/triage-rules').set(authHeader(admin)).send(RULES(emailDomains)).expect(200)).body.triageRules;

async function article(app: TestApp) {
  const slug = `email-domains-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return app.prisma.article.create({
    data: {
      slug,
      title: `Домейни ${seq}`,
      blocks: [{ type: 'paragraph', text: 'x' }],
      publishedAt: new Date(Date.UTC(2001, 0, 1)),
      moderationMode: 'post',
    },
    select: { id: true, slug: true },
  });
}

const register = (app: TestApp, email: string) =>
  app.http
    .post('/api/auth/register')
    .send({ email, username: `dom_${Date.now().toString(36)}_${++seq}`, password: 'липов цвят над Витоша' });

const holdOf = async (app: TestApp, id: string) =>
  (await app.http.get(`/api/admin/comments/${id}`).set(authHeader(moderator)).expect(200)).body.item.hold as Record<string, unknown> | null;

beforeAll(async () => {
  db = await scratchDatabase('emaildomains', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url, SEED_ARTICLE: 'false' });
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe('e-mail domain rules', () => {
  it('should be off by default: a disposable address registers and posts as any other', async () => {
    expect((await t.http.get('/api/admin/triage-rules').set(authHeader(moderator)).expect(200)).body.triageRules.emailDomains).toEqual({
      action: 'off',
      blocked: [],
      allowed: [],
    });
    const u = await createUser(t, { email: `reader${++seq}@mailinator.com` });
    expect((await postComment(t, await article(t), u, { body: 'Без правило за домейни.' })).status).toBe('approved');
  });

  it('should hold the comments of accounts on a disposable domain (subdomains too), and say why', async () => {
    const before = await createUser(t, { email: `early${++seq}@eu.yopmail.com` });
    await setRules(t, { action: 'hold' });
    const c = await postComment(t, await article(t), before, { body: 'Коментар от временен адрес.' });
    expect(c.status).toBe('pending');
    expect(await holdOf(t, c.id)).toMatchObject({ source: 'rule', rule: 'disposable_email', matched: ['eu.yopmail.com'] });
    // Registration itself stays open with `hold`.
    await register(t, `later${seq}@mailinator.com`).expect(201);
    await setRules(t, { action: 'off' });
  });

  it('should refuse registration with `refuse_registration`, with `blocked` added and `allowed` taken out', async () => {
    await setRules(t, { action: 'refuse_registration', blocked: ['throwaway.example'], allowed: ['mailinator.com'] });
    const refused = await register(t, `x${++seq}@guerrillamail.com`).expect(400);
    expect(refused.body.error).toMatchObject({ code: 'EMAIL_DOMAIN_REFUSED', details: [{ field: 'email' }] });
    await register(t, `y${seq}@mail.throwaway.example`).expect(400);
    await register(t, `z${seq}@mailinator.com`).expect(201);
    await register(t, `w${seq}@abv.bg`).expect(201);
    await setRules(t, { action: 'off' });
  });

  it('should judge an account without an e-mail (SSO) by the other rules only', async () => {
    await setRules(t, { action: 'hold', blocked: ['example.test'] });
    const sso = await createUser(t);
    await t.prisma.user.update({ where: { id: sso.id }, data: { email: null } });
    const c = await postComment(t, await article(t), sso, { body: 'Вход през издателя, без адрес.' });
    expect(c.status).toBe('approved');
    await setRules(t, { action: 'off' });
  });

  it('should use a replaced list (DISPOSABLE_EMAIL_DOMAINS_FILE) instead of the shipped one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'domains-'));
    const file = join(dir, 'disposable.txt');
    writeFileSync(file, '# our own list\nvremenna-poshta.bg\n');
    const other = await startTestApp({ DATABASE_URL: db.url, SEED_ARTICLE: 'false', DISPOSABLE_EMAIL_DOMAINS_FILE: file });
    try {
      await setRules(other, { action: 'refuse_registration' });
      await register(other, `a${++seq}@vremenna-poshta.bg`).expect(400);
      await register(other, `b${seq}@mailinator.com`).expect(201);
    } finally {
      await setRules(other, { action: 'off' });
      await other.close();
    }
  });
});
