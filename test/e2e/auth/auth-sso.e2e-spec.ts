import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { SEED_SLUG, startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createUser, TEST_PASSWORD, type TestUser } from '../../factories/index.js';
import {
  AUDIENCE,
  ISSUER,
  type JwksServer,
  type PublisherKey,
  publisherKey,
  SSO_SECRET,
  signWithKey,
  signWithSecret,
  startJwksServer,
  tamper,
  unsecuredToken,
} from '../../helpers/publisher.js';

/**
 * Sign-in with the publisher (POST /api/auth/sso), against the real app and PostgreSQL, with a publisher stand-in:
 * throw-away key pairs and a JWKS served on 127.0.0.1 (test/helpers/publisher.ts).
 */

const ROLE_CLAIM = 'newsroom_role';

let rsa: PublisherKey;
let ec: PublisherKey;
let ed: PublisherKey;
let jwks: JwksServer;
/** JWKS + shared secret, a role claim configured but not trusted, password sign-in on. */
let t: TestApp;

const sso = (app: TestApp, body: Record<string, unknown>) => app.http.post('/api/auth/sso').send(body);
const code = (res: { body: { error?: { code?: string } } }) => res.body.error?.code;
/** The publisher's public key as PEM text: what a key-confusion attacker would use as an HMAC secret. */
const publicPem = (key: PublisherKey) =>
  createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
const subject = () => `pub-${Math.random().toString(36).slice(2, 12)}`;

beforeAll(async () => {
  [rsa, ec, ed] = await Promise.all([
    publisherKey('rsa-2026-11', 'RS256'),
    publisherKey('ec-2026-11', 'ES256'),
    publisherKey('ed-2026-11', 'EdDSA'),
  ]);
  jwks = await startJwksServer([rsa.publicJwk, ec.publicJwk, ed.publicJwk]);
  t = await startTestApp({ SSO_JWKS_URL: jwks.url, SSO_SECRET, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE, SSO_ROLE_CLAIM: ROLE_CLAIM });
});
afterAll(async () => {
  await t?.close();
  await jwks?.close();
});

describe('POST /api/auth/sso: a valid token', () => {
  it('should create a reader on first sight and open a session whose access and refresh tokens work', async () => {
    const sub = subject();
    const token = await signWithKey(rsa, {
      claims: { sub, email: `${sub}@Publisher.test`, username: 'Мария_Иванова', name: 'Мария Иванова' },
    });
    const res = await sso(t, { token }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      user: { email: `${sub}@publisher.test`, username: 'Мария_Иванова', displayName: 'Мария Иванова', role: 'reader' },
      expiresIn: 900,
    });
    const me = await t.http
      .get('/api/auth/me')
      .set('Authorization', bearer({ token: res.body.accessToken }))
      .expect(200);
    expect(me.body.user.id).toBe(res.body.user.id);
    const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: res.body.refreshToken }).expect(200);
    await t.http
      .get('/api/auth/me')
      .set('Authorization', bearer({ token: refreshed.body.accessToken }))
      .expect(200);

    const stored = await t.prisma.user.findUniqueOrThrow({
      where: { id: res.body.user.id },
      select: { passwordHash: true, identities: { select: { issuer: true, subject: true } } },
    });
    expect(stored).toEqual({ passwordHash: null, identities: [{ issuer: ISSUER, subject: sub }] });
  });

  it('should find the same account again and follow the publisher’s email and display name, keeping the username', async () => {
    const sub = subject();
    const first = await sso(t, {
      token: await signWithKey(rsa, { claims: { sub, email: `${sub}@publisher.test`, name: 'Петър Петров' } }),
    }).expect(200);
    const again = await sso(t, {
      token: await signWithKey(ec, { claims: { sub, email: `${sub}.new@publisher.test`, name: 'Петър Г. Петров' } }),
    }).expect(200);
    expect(again.body.user).toMatchObject({
      id: first.body.user.id,
      username: first.body.user.username,
      email: `${sub}.new@publisher.test`,
      displayName: 'Петър Г. Петров',
    });
    // A claim the token leaves out changes nothing.
    const bare = await sso(t, { token: await signWithKey(ed, { claims: { sub } }) }).expect(200);
    expect(bare.body.user).toMatchObject({ id: first.body.user.id, email: `${sub}.new@publisher.test`, displayName: 'Петър Г. Петров' });
  });

  it('should accept RS256, ES256 and EdDSA from the JWKS and HS256 with the shared secret', async () => {
    for (const token of [await signWithKey(rsa), await signWithKey(ec), await signWithKey(ed), await signWithSecret(SSO_SECRET)]) {
      const res = await sso(t, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });

  it('should give one account to a reader whose first sign-ins arrive together', async () => {
    const sub = subject();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => signWithKey(rsa, { claims: { sub, username: 'едновременно' } })));
    const results = await Promise.all(tokens.map((token) => sso(t, { token })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.user.id)).size).toBe(1);
    expect(await t.prisma.userIdentity.count({ where: { issuer: ISSUER, subject: sub } })).toBe(1);
  });

  it('should derive a unique username with the registration rules, never from the email', async () => {
    const local = await createUser(t);
    const taken = await sso(t, { token: await signWithKey(rsa, { claims: { username: local.username } }) }).expect(200);
    // Taken: the name with a random number (constant time, whatever the number of namesakes: sso-namesakes.e2e-spec.ts).
    expect(taken.body.user.username).toMatch(new RegExp(`^${local.username}\\d{3,6}$`));
    // A reserved (staff) name is not given to a reader; the display name is used instead.
    const reserved = await sso(t, { token: await signWithKey(rsa, { claims: { username: 'admin', name: 'Георги Русев' } }) }).expect(200);
    expect(reserved.body.user.username).toMatch(/^Георги_Русев\d*$/);
    // Only an email: the handle does not reveal it.
    const sub = subject();
    const anonymous = await sso(t, {
      token: await signWithKey(rsa, { claims: { sub, email: `ivan.petrov.${sub}@publisher.test` } }),
    }).expect(200);
    expect(anonymous.body.user.username).toMatch(/^reader\d*$/);
  });

  it('should clean the display name of invisible and control characters', async () => {
    const res = await sso(t, { token: await signWithKey(rsa, { claims: { name: '  Ива\u202eн\u200b  \n Петров ' } }) }).expect(200);
    expect(res.body.user.displayName).toBe('Иван Петров');
  });
});

describe('POST /api/auth/sso: refused tokens', () => {
  const refusals: [string, () => Promise<string>, string][] = [
    ['a wrong issuer', () => signWithKey(rsa, { claims: { iss: 'https://evil.test' } }), 'SSO_WRONG_ISSUER'],
    ['a wrong audience', () => signWithKey(rsa, { claims: { aud: 'another-service' } }), 'SSO_WRONG_AUDIENCE'],
    ['an expired token', () => signWithKey(rsa, { iatOffset: -200, expiresIn: -100 }), 'SSO_TOKEN_EXPIRED'],
    [
      'a token not valid yet (nbf)',
      () => signWithKey(rsa, { claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }),
      'SSO_TOKEN_NOT_YET_VALID',
    ],
    ['a token issued in the future', () => signWithKey(rsa, { iatOffset: 600, expiresIn: 900 }), 'SSO_TOKEN_NOT_YET_VALID'],
    ['a token issued too long ago (still unexpired)', () => signWithKey(rsa, { iatOffset: -3600, expiresIn: 3600 }), 'SSO_TOKEN_TOO_OLD'],
    ['a token without sub', () => signWithKey(rsa, { claims: { sub: undefined } }), 'SSO_MISSING_CLAIM'],
    ['a token without exp', () => signWithKey(rsa, { claims: { exp: undefined } }), 'SSO_MISSING_CLAIM'],
    ['a token without iat', () => signWithKey(rsa, { claims: { iat: undefined } }), 'SSO_MISSING_CLAIM'],
    ['a tampered payload', async () => tamper(await signWithKey(rsa), { sub: 'someone-else' }), 'SSO_BAD_SIGNATURE'],
    ['a token signed with another secret', () => signWithSecret('not-the-publisher-secret-but-long-enough-0123'), 'SSO_BAD_SIGNATURE'],
    ['an unknown kid', () => signWithKey(rsa, { kid: 'rsa-unknown' }), 'SSO_UNKNOWN_KEY'],
    ['alg none', async () => unsecuredToken(), 'SSO_ALG_NOT_ALLOWED'],
    ['an algorithm not on the list (HS512)', () => signWithSecret(SSO_SECRET, { alg: 'HS512' }), 'SSO_ALG_NOT_ALLOWED'],
    [
      'an algorithm not on the list (RS384)',
      async () => signWithKey({ ...(await publisherKey('rsa-384', 'RS384')) }),
      'SSO_ALG_NOT_ALLOWED',
    ],
    ['a sub that is not a string', () => signWithKey(rsa, { claims: { sub: 4217 } }), 'SSO_TOKEN_MALFORMED'],
    ['an email that is not an address', () => signWithKey(rsa, { claims: { email: 'not an email' } }), 'SSO_TOKEN_MALFORMED'],
    ['something that is not a JWT', async () => 'not-a-jwt', 'SSO_TOKEN_MALFORMED'],
  ];

  it.each(refusals)('should refuse %s with 401 and its own code', async (_what, make, expected) => {
    const res = await sso(t, { token: await make() });
    expect(res.status).toBe(401);
    expect(code(res)).toBe(expected);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="newsroom"');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('should give each kind of failure a different code', () => {
    const codes = new Set(refusals.map(([, , c]) => c));
    expect([...codes].sort()).toEqual(
      [
        'SSO_ALG_NOT_ALLOWED',
        'SSO_BAD_SIGNATURE',
        'SSO_MISSING_CLAIM',
        'SSO_TOKEN_EXPIRED',
        'SSO_TOKEN_MALFORMED',
        'SSO_TOKEN_NOT_YET_VALID',
        'SSO_TOKEN_TOO_OLD',
        'SSO_UNKNOWN_KEY',
        'SSO_WRONG_AUDIENCE',
        'SSO_WRONG_ISSUER',
      ].sort(),
    );
  });

  it('should name the missing claim', async () => {
    const res = await sso(t, { token: await signWithKey(rsa, { claims: { sub: undefined } }) }).expect(401);
    expect(res.body.error.details).toEqual([{ field: 'sub', message: expect.any(String) }]);
  });

  it('should refuse an HS256 token signed with the publisher’s public key (the key-confusion attack)', async () => {
    const pem = publicPem(rsa);
    // With a shared secret configured the HS token is checked against that secret only: the signature fails.
    const res = await sso(t, { token: await signWithSecret(new TextEncoder().encode(pem)) }).expect(401);
    expect(code(res)).toBe('SSO_BAD_SIGNATURE');
    const asJwk = await sso(t, { token: await signWithSecret(new TextEncoder().encode(JSON.stringify(rsa.publicJwk))) }).expect(401);
    expect(code(asJwk)).toBe('SSO_BAD_SIGNATURE');
  });

  it('should create no account for a refused token', async () => {
    const sub = subject();
    await sso(t, { token: await signWithKey(rsa, { claims: { sub, iss: 'https://evil.test' } }) }).expect(401);
    expect(await t.prisma.userIdentity.count({ where: { subject: sub } })).toBe(0);
  });

  it('should refuse a body without a token with 400', async () => {
    const res = await sso(t, {}).expect(400);
    expect(code(res)).toBe('VALIDATION_FAILED');
  });
});

describe('POST /api/auth/sso: published keys', () => {
  // Its own publisher and app: this test withdraws keys, which must not leak into the other tests' key set.
  let keys: JwksServer;
  let app: TestApp;
  beforeAll(async () => {
    keys = await startJwksServer([rsa.publicJwk]);
    app = await startTestApp({ SSO_JWKS_URL: keys.url, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE, SSO_JWKS_COOLDOWN_SECONDS: '1' });
  });
  afterAll(async () => {
    await app?.close();
    await keys?.close();
  });
  /** Longer than the re-read cooldown (1 s in this app). */
  const afterCooldown = () => new Promise((r) => setTimeout(r, 1200));

  it('should accept a newly published kid without a restart (key rotation), and drop a withdrawn one', async () => {
    await sso(app, { token: await signWithKey(rsa) }).expect(200); // the key set is now cached
    const next = await publisherKey('rsa-2026-12', 'RS256');
    keys.keys = [next.publicJwk, rsa.publicJwk];
    const hits = keys.hits;
    await afterCooldown();
    // The unknown kid re-reads the key set once.
    const res = await sso(app, { token: await signWithKey(next) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(keys.hits).toBe(hits + 1);
    // The old key still works while it is published.
    await sso(app, { token: await signWithKey(rsa) }).expect(200);
    // A key the publisher withdrew stops working once the set is re-read.
    keys.keys = [next.publicJwk];
    await afterCooldown();
    expect(code(await sso(app, { token: await signWithKey(rsa, { kid: 'rsa-unknown' }) }))).toBe('SSO_UNKNOWN_KEY'); // triggers the re-read
    expect(code(await sso(app, { token: await signWithKey(rsa) }))).toBe('SSO_UNKNOWN_KEY');
    await sso(app, { token: await signWithKey(next) }).expect(200);
  });
});

describe('POST /api/auth/sso: the publisher’s key set', () => {
  let keys: JwksServer;
  let app: TestApp;
  beforeAll(async () => {
    keys = await startJwksServer([rsa.publicJwk]);
    // The default 30 s re-read cooldown; a short fetch timeout.
    app = await startTestApp({ SSO_JWKS_URL: keys.url, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE, SSO_JWKS_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await app?.close();
    await keys?.close();
  });

  it('should re-read the key set at most once per cooldown however many unknown kids arrive', async () => {
    await sso(app, { token: await signWithKey(rsa) }).expect(200);
    const hits = keys.hits;
    for (let i = 0; i < 5; i++)
      expect(code(await sso(app, { token: await signWithKey(rsa, { kid: `random-${i}` }) }))).toBe('SSO_UNKNOWN_KEY');
    expect(keys.hits - hits).toBeLessThanOrEqual(1);
  });

  it('should refuse HS256 when only published keys are configured, even signed with the public key', async () => {
    const pem = publicPem(rsa);
    const res = await sso(app, { token: await signWithSecret(new TextEncoder().encode(pem)) }).expect(401);
    expect(code(res)).toBe('SSO_ALG_NOT_ALLOWED');
  });

  it('should answer 503 SSO_KEYS_UNAVAILABLE with Retry-After when the key set cannot be read and no cached key fits', async () => {
    const down = await startJwksServer([]);
    down.mode = 'hang';
    // A 1 s cooldown: a failed read backs off for 1 s (min(cooldown, 5 s)).
    const cold = await startTestApp({
      SSO_JWKS_URL: down.url,
      SSO_ISSUER: ISSUER,
      SSO_AUDIENCE: AUDIENCE,
      SSO_JWKS_TIMEOUT_MS: '300',
      SSO_JWKS_COOLDOWN_SECONDS: '1',
    });
    try {
      const res = await sso(cold, { token: await signWithKey(rsa) });
      expect(res.status).toBe(503);
      expect(code(res)).toBe('SSO_KEYS_UNAVAILABLE');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      // While the failed read backs off, sign-ins do not fetch again (negative caching).
      const hits = down.hits;
      for (let i = 0; i < 5; i++)
        expect(code(await sso(cold, { token: await signWithKey(rsa, { kid: `random-${i}` }) }))).toBe('SSO_KEYS_UNAVAILABLE');
      expect(down.hits).toBe(hits);
      // Back up: once the backoff is over, the next token verifies.
      down.keys = [rsa.publicJwk];
      down.mode = 'serve';
      await vi.waitFor(async () => expect((await sso(cold, { token: await signWithKey(rsa) })).status).toBe(200), {
        timeout: 5_000,
        interval: 200,
      });
    } finally {
      await cold.close();
      await down.close();
    }
  });
});

describe('POST /api/auth/sso: an email an account here already holds', () => {
  let local: TestUser;
  beforeEach(async () => {
    local = await createUser(t);
  });

  it('should not take the account over: 409 SSO_EMAIL_CONFLICT and nothing created', async () => {
    const sub = subject();
    const res = await sso(t, { token: await signWithKey(rsa, { claims: { sub, email: local.email.toUpperCase() } }) }).expect(409);
    expect(code(res)).toBe('SSO_EMAIL_CONFLICT');
    expect(await t.prisma.userIdentity.count({ where: { subject: sub } })).toBe(0);
    expect(await t.prisma.user.count({ where: { email: local.email } })).toBe(1);
  });

  it('should refuse a wrong password with the login’s uniform 401', async () => {
    const res = await sso(t, {
      token: await signWithKey(rsa, { claims: { email: local.email } }),
      password: 'not the password at all',
    }).expect(401);
    expect(code(res)).toBe('INVALID_CREDENTIALS');
  });

  it('should link the identity to the account when its password is sent, and sign in there afterwards', async () => {
    const sub = subject();
    const linked = await sso(t, {
      token: await signWithKey(rsa, { claims: { sub, email: local.email, name: 'Иван Петров' } }),
      password: TEST_PASSWORD,
    }).expect(200);
    expect(linked.body.user).toMatchObject({ id: local.id, username: local.username, email: local.email, displayName: 'Иван Петров' });
    const later = await sso(t, { token: await signWithKey(ec, { claims: { sub } }) }).expect(200);
    expect(later.body.user.id).toBe(local.id);
    // The password still works for the linked account.
    await t.http.post('/api/auth/login').send({ login: local.username, password: TEST_PASSWORD }).expect(200);
  });

  it('should create the account without the email when the publisher says it is unverified', async () => {
    const res = await sso(t, { token: await signWithKey(rsa, { claims: { email: local.email, email_verified: false } }) }).expect(200);
    expect(res.body.user).toMatchObject({ email: null });
    expect(res.body.user.id).not.toBe(local.id);
  });

  it('should keep a known account’s email when the token’s new email belongs to another account', async () => {
    const sub = subject();
    const first = await sso(t, { token: await signWithKey(rsa, { claims: { sub, email: `${sub}@publisher.test` } }) }).expect(200);
    const again = await sso(t, { token: await signWithKey(rsa, { claims: { sub, email: local.email } }) }).expect(200);
    expect(again.body.user).toMatchObject({ id: first.body.user.id, email: `${sub}@publisher.test` });
  });
});

describe('POST /api/auth/sso: accounts without a password, bans', () => {
  it('should refuse password login for an account created by SSO with the uniform INVALID_CREDENTIALS', async () => {
    const sub = subject();
    const res = await sso(t, {
      token: await signWithKey(rsa, { claims: { sub, email: `${sub}@publisher.test`, username: `sso_${sub.slice(4)}` } }),
    }).expect(200);
    for (const login of [res.body.user.email, res.body.user.username]) {
      for (const password of ['', 'correct-horse-battery-staple', 'x'.repeat(20)]) {
        const attempt = await t.http.post('/api/auth/login').send({ login, password });
        expect([400, 401]).toContain(attempt.status);
        if (password) expect(code(attempt)).toBe('INVALID_CREDENTIALS');
      }
    }
  });

  it('should sign a banned reader in like the login does (user.ban set, posting refused), and drop the ban once lifted', async () => {
    const sub = subject();
    const first = await sso(t, { token: await signWithKey(rsa, { claims: { sub } }) }).expect(200);
    expect(first.body.user.ban).toBeNull();
    const admin = await createUser(t, { role: 'admin' });
    await t.http
      .post(`/api/admin/users/${first.body.user.id}/ban`)
      .set('Authorization', bearer(admin))
      .send({ reason: 'обиди' })
      .expect(200);
    const banned = await sso(t, { token: await signWithKey(rsa, { claims: { sub, name: 'Нов Псевдоним' } }) }).expect(200);
    expect(banned.body.user).toMatchObject({ id: first.body.user.id, displayName: 'Нов Псевдоним', ban: { until: null, reason: 'обиди' } });
    const post = await t.http
      .post(`/api/articles/${SEED_SLUG}/comments`)
      .set('Authorization', `Bearer ${banned.body.accessToken}`)
      .send({ body: 'Пак съм тук' })
      .expect(403);
    expect(code(post)).toBe('USER_BANNED');
    await t.http.delete(`/api/admin/users/${first.body.user.id}/ban`).set('Authorization', bearer(admin)).expect(200);
    expect((await sso(t, { token: await signWithKey(rsa, { claims: { sub } }) }).expect(200)).body.user.ban).toBeNull();
  });

  it('should refuse a deleted account with SSO_ACCOUNT_DELETED', async () => {
    const sub = subject();
    const first = await sso(t, { token: await signWithKey(rsa, { claims: { sub } }) }).expect(200);
    await t.prisma.user.update({ where: { id: first.body.user.id }, data: { deletedAt: new Date() } });
    expect(code(await sso(t, { token: await signWithKey(rsa, { claims: { sub } }) }).expect(403))).toBe('SSO_ACCOUNT_DELETED');
  });
});

describe('POST /api/auth/sso: roles', () => {
  it('should ignore the role claim when the issuer is not trusted for roles', async () => {
    const sub = subject();
    const res = await sso(t, { token: await signWithKey(rsa, { claims: { sub, [ROLE_CLAIM]: 'admin' } }) }).expect(200);
    expect(res.body.user.role).toBe('reader');
    // Not even an existing moderator is demoted by it.
    await t.prisma.user.update({ where: { id: res.body.user.id }, data: { role: 'moderator' } });
    const again = await sso(t, { token: await signWithKey(rsa, { claims: { sub, [ROLE_CLAIM]: 'reader' } }) }).expect(200);
    expect(again.body.user.role).toBe('moderator');
  });

  describe('with SSO_TRUST_ROLES=true', () => {
    let trusted: TestApp;
    let admin: TestUser;
    beforeAll(async () => {
      trusted = await startTestApp({
        SSO_JWKS_URL: jwks.url,
        SSO_ISSUER: ISSUER,
        SSO_AUDIENCE: AUDIENCE,
        SSO_ROLE_CLAIM: ROLE_CLAIM,
        SSO_TRUST_ROLES: 'true',
      });
      admin = await createUser(trusted, { role: 'admin' });
    });
    afterAll(async () => {
      await trusted?.close();
    });

    const auditFor = async (userId: string) =>
      (await trusted.http.get('/api/admin/audit-log').set('Authorization', bearer(admin)).query({ targetUser: userId }).expect(200)).body
        .items as {
        action: string;
        moderator: unknown;
        reason: string;
        details: Record<string, unknown>;
      }[];

    it('should take the role from the claim, promote and demote with it, and audit each change', async () => {
      const sub = subject();
      const created = await sso(trusted, {
        token: await signWithKey(rsa, { claims: { sub, [ROLE_CLAIM]: ['subscriber', 'Moderator'] } }),
      }).expect(200);
      expect(created.body.user.role).toBe('moderator');
      const promoted = await sso(trusted, { token: await signWithKey(rsa, { claims: { sub, [ROLE_CLAIM]: 'admin' } }) }).expect(200);
      expect(promoted.body.user.role).toBe('admin');
      // No claim: the role stays as it is.
      expect((await sso(trusted, { token: await signWithKey(rsa, { claims: { sub } }) }).expect(200)).body.user.role).toBe('admin');
      const demoted = await sso(trusted, { token: await signWithKey(rsa, { claims: { sub, [ROLE_CLAIM]: 'subscriber' } }) }).expect(200);
      expect(demoted.body.user.role).toBe('reader');

      const audit = await auditFor(created.body.user.id);
      expect(audit.map((a) => [a.action, a.reason, a.moderator])).toEqual([
        ['role_change', 'admin -> reader', null],
        ['role_change', 'moderator -> admin', null],
        ['role_change', 'reader -> moderator', null],
      ]);
      expect(audit[0]!.details).toMatchObject({ source: 'sso', issuer: ISSUER, claim: ROLE_CLAIM });
      // The new role applies to the session at once (the access token is checked against the account).
      await trusted.http
        .get('/api/admin/audit-log')
        .set('Authorization', bearer({ token: demoted.body.accessToken }))
        .expect(403);
    });

    it('should refuse a role claim of the wrong type', async () => {
      const res = await sso(trusted, { token: await signWithKey(rsa, { claims: { [ROLE_CLAIM]: { admin: true } } }) }).expect(401);
      expect(code(res)).toBe('SSO_TOKEN_MALFORMED');
      expect(res.body.error.details).toEqual([{ field: ROLE_CLAIM, message: expect.any(String) }]);
    });
  });
});

describe('LOCAL_AUTH and SSO availability', () => {
  it('should answer 404 SSO_NOT_CONFIGURED where SSO is not set up', async () => {
    const plain = await startTestApp();
    try {
      const res = await sso(plain, { token: await signWithKey(rsa) }).expect(404);
      expect(code(res)).toBe('SSO_NOT_CONFIGURED');
    } finally {
      await plain.close();
    }
  });

  it('should turn registration and password login off with LOCAL_AUTH=false, leaving SSO and existing sessions', async () => {
    const existing = await createUser(t);
    const off = await startTestApp({ LOCAL_AUTH: 'false', SSO_SECRET, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE });
    try {
      const reg = await off.http
        .post('/api/auth/register')
        .send({ email: 'new.reader@example.test', username: 'new_reader_x', password: TEST_PASSWORD })
        .expect(403);
      expect(code(reg)).toBe('LOCAL_AUTH_DISABLED');
      const login = await off.http.post('/api/auth/login').send({ login: existing.email, password: TEST_PASSWORD }).expect(403);
      expect(code(login)).toBe('LOCAL_AUTH_DISABLED');
      await off.http.get('/api/auth/me').set('Authorization', bearer(existing)).expect(200);
      await sso(off, { token: await signWithSecret(SSO_SECRET) }).expect(200);
    } finally {
      await off.close();
    }
  });

  it('should keep password login for staff only with LOCAL_AUTH=staff', async () => {
    const reader = await createUser(t);
    const moderator = await createUser(t, { role: 'moderator' });
    const staffOnly = await startTestApp({ LOCAL_AUTH: 'staff', SSO_SECRET, SSO_ISSUER: ISSUER, SSO_AUDIENCE: AUDIENCE });
    try {
      expect(
        code(
          await staffOnly.http
            .post('/api/auth/register')
            .send({ email: 'x.reader@example.test', username: 'x_reader_y', password: TEST_PASSWORD })
            .expect(403),
        ),
      ).toBe('LOCAL_AUTH_DISABLED');
      await staffOnly.http.post('/api/auth/login').send({ login: moderator.email, password: TEST_PASSWORD }).expect(200);
      // A reader hears that password sign-in is off only after the right password; a wrong one is the uniform 401.
      expect(code(await staffOnly.http.post('/api/auth/login').send({ login: reader.email, password: TEST_PASSWORD }).expect(403))).toBe(
        'LOCAL_AUTH_DISABLED',
      );
      expect(
        code(await staffOnly.http.post('/api/auth/login').send({ login: reader.email, password: 'wrong password here' }).expect(401)),
      ).toBe('INVALID_CREDENTIALS');
    } finally {
      await staffOnly.close();
    }
  });
});
