import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createAdmin, createUser } from '../../factories/index.js';
import { AUDIENCE, ISSUER, SSO_SECRET, signWithSecret } from '../../helpers/publisher.js';

/** The claim rule (docs/import-export.md): a first publisher sign-in takes over the unclaimed account with its verified email. */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ SSO_SECRET, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE });
});
afterAll(async () => {
  await t?.close();
});

const tag = () => randomUUID().slice(0, 8);

async function unclaimed(claimEmail: string | null) {
  const n = `imp${tag()}`;
  return t.prisma.user.create({
    data: {
      username: n,
      usernameNormalized: n,
      usernameSkeleton: n,
      displayName: 'Иван Петров',
      unclaimed: true,
      claimEmail,
      importKey: `disqus:user:${n}`,
    },
    select: { id: true, username: true },
  });
}

const sso = async (claims: Record<string, unknown>, status: number) =>
  t.http
    .post('/api/auth/sso')
    .send({ token: await signWithSecret(SSO_SECRET, { claims }) })
    .expect(status);

describe('claiming an imported account', () => {
  it('should give a first SSO sign-in with the verified claim address the unclaimed account, and audit it', async () => {
    const email = `claim-${tag()}@example.bg`;
    const account = await unclaimed(email);
    const sub = `pub-${tag()}`;
    const res = await sso({ sub, email: email.toUpperCase(), name: 'Иван П.' }, 200);
    expect(res.body.user).toMatchObject({ id: account.id, username: account.username, email, displayName: 'Иван П.' });
    const stored = await t.prisma.user.findUniqueOrThrow({
      where: { id: account.id },
      select: { unclaimed: true, passwordHash: true, identities: { select: { subject: true } } },
    });
    expect(stored).toEqual({ unclaimed: false, passwordHash: null, identities: [{ subject: sub }] });
    const audit = await t.prisma.moderationAction.findMany({ where: { targetUserId: account.id }, select: { action: true } });
    expect(audit).toEqual([{ action: 'account_claim' }]);
    // The next sign-in finds it by its identity.
    const again = await sso({ sub }, 200);
    expect(again.body.user.id).toBe(account.id);
  });

  it('should not claim with an email the publisher says is unverified, nor one another account holds as its login', async () => {
    const email = `claim-${tag()}@example.bg`;
    const account = await unclaimed(email);
    const unverified = await sso({ sub: `pub-${tag()}`, email, email_verified: false }, 200);
    expect(unverified.body.user.id).not.toBe(account.id);

    const local = await createUser(t);
    const held = await unclaimed(local.email);
    const res = await sso({ sub: `pub-${tag()}`, email: local.email }, 409);
    expect(res.body.error.code).toBe('SSO_EMAIL_CONFLICT');
    expect(await t.prisma.user.findUniqueOrThrow({ where: { id: held.id }, select: { unclaimed: true } })).toEqual({ unclaimed: true });
    expect(await t.prisma.user.findUniqueOrThrow({ where: { id: account.id }, select: { unclaimed: true } })).toEqual({ unclaimed: true });
  });

  it('should erase an imported account like any other: its claim address and source id go, so it can no longer be claimed', async () => {
    const email = `claim-${tag()}@example.bg`;
    const account = await unclaimed(email);
    const admin = await createAdmin(t);
    await t.http
      .delete(`/api/admin/users/${account.id}`)
      .set('Authorization', bearer(admin))
      .send({ reason: 'Искане по чл. 17' })
      .expect(200);
    expect(
      await t.prisma.user.findUniqueOrThrow({
        where: { id: account.id },
        select: { claimEmail: true, importKey: true, unclaimed: true, displayName: true },
      }),
    ).toEqual({ claimEmail: null, importKey: null, unclaimed: false, displayName: null });
    const res = await sso({ sub: `pub-${tag()}`, email }, 200);
    expect(res.body.user.id).not.toBe(account.id);
  });
});
