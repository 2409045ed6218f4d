import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createUser, TEST_PASSWORD, uniq } from '../../factories/index.js';

const SELF_KEYS = ['ban', 'createdAt', 'displayName', 'email', 'id', 'role', 'username'];
/** A unique suffix of digits only (hex would put Latin letters into a Cyrillic name). */
const digits = () => `${Date.now() % 1e7}${Math.floor(Math.random() * 1e5)}`;

describe('auth: register, login, me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/auth/register', () => {
    it('should create a reader and return the user with tokens', async () => {
      const username = uniq('New_');
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${username}@example.com`, username, password: TEST_PASSWORD })
        .expect(201);
      expect(res.body).toEqual({
        user: {
          id: expect.any(String),
          email: `${username.toLowerCase()}@example.com`,
          username,
          displayName: null,
          role: 'reader',
          createdAt: expect.any(String),
          ban: null,
        },
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
      });
      const row = await t.prisma.user.findUniqueOrThrow({ where: { id: res.body.user.id } });
      expect(row.passwordHash).toMatch(/^\$argon2id\$/);
      expect(row.usernameNormalized).toBe(username.toLowerCase());
    });

    it('should normalise the email (trim, lower case)', async () => {
      const name = uniq();
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `  ${name.toUpperCase()}@Example.COM `, username: name, password: TEST_PASSWORD })
        .expect(201);
      expect(res.body.user.email).toBe(`${name}@example.com`);
    });

    it('should answer 409 EMAIL_TAKEN for the full-width spelling of a taken email, and log in with it', async () => {
      const u = await createUser(t);
      // Full-width letters and ＠ (U+FF01..U+FF5E are ASCII + 0xFEE0): the address they look like.
      const fullwidth = [...u.email].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');
      const res = await t.http.post('/api/auth/register').send({ email: fullwidth, username: uniq(), password: TEST_PASSWORD }).expect(409);
      expect(res.body.error.code).toBe('EMAIL_TAKEN');
      await t.http.post('/api/auth/login').send({ login: fullwidth, password: u.password }).expect(200);
    });

    it.each([
      ['a Cyrillic а in a Latin local part', (local: string) => `\u0430${local}@example.com`],
      ['a Cyrillic о in a Latin domain', (local: string) => `${local}@exampl\u043e.com`],
      ['a Greek ο in a Latin domain', (local: string) => `${local}@g\u03bfogle.com`],
    ])('should refuse an email with %s', async (_name, make) => {
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: make(uniq('mix')), username: uniq(), password: TEST_PASSWORD })
        .expect(400);
      expect(res.body.error.details).toEqual([
        { field: 'email', message: 'email must not mix Latin, Cyrillic or Greek letters in one part' },
      ]);
    });

    it('should answer 409 EMAIL_TAKEN for an email that differs only in case', async () => {
      const u = await createUser(t);
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: u.email.toUpperCase(), username: uniq(), password: TEST_PASSWORD })
        .expect(409);
      expect(res.body).toEqual({ error: { code: 'EMAIL_TAKEN', message: expect.any(String) } });
    });

    it('should answer 409 USERNAME_TAKEN for a username that differs only in case', async () => {
      const u = await createUser(t);
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: u.username.toUpperCase(), password: TEST_PASSWORD })
        .expect(409);
      expect(res.body).toEqual({ error: { code: 'USERNAME_TAKEN', message: expect.any(String) } });
    });

    it('should compare Cyrillic usernames case-insensitively', async () => {
      const suffix = digits();
      await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: `Иван_${suffix}`, password: TEST_PASSWORD })
        .expect(201);
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: `иВАН_${suffix}`, password: TEST_PASSWORD })
        .expect(409);
      expect(res.body.error.code).toBe('USERNAME_TAKEN');
    });

    it('should treat fullwidth look-alikes as the same username and store the NFKC form', async () => {
      const name = uniq('fw');
      const fullwidth = [...name].map((c) => (/[a-z]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
      const first = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: fullwidth, password: TEST_PASSWORD })
        .expect(201);
      expect(first.body.user.username).toBe(name);
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: name, password: TEST_PASSWORD })
        .expect(409);
      expect(res.body.error.code).toBe('USERNAME_TAKEN');
    });

    it.each([
      ['3 characters', () => uniq('').slice(0, 3)],
      ['32 characters', () => `a${uniq('').padEnd(31, 'z')}`],
      ['Cyrillic letters, digits, _ and -', () => `Ёжик-в_тумане_${digits()}`],
    ])('should accept a username of %s', async (_label, make) => {
      const username = make();
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username, password: TEST_PASSWORD })
        .expect(201);
      expect(res.body.user.username).toBe(username);
    });

    it.each([
      ['too short', 'ab'],
      ['too long', 'a'.repeat(33)],
      ['a space', 'ivan petrov'],
      ['an @', 'ivan@petrov'],
      ['a dot', 'ivan.petrov'],
      ['CJK letters', '日本語の名前'],
      ['Greek letters', 'αβγδε'],
      ['an emoji', 'ivan😀x'],
      ['non-ASCII digits', 'ivan١٢٣'],
    ])('should reject a username with %s', async (_label, username) => {
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username, password: TEST_PASSWORD })
        .expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'username' })]);
    });

    it.each([
      ['Latin and Cyrillic letters mixed', 'аdmin_x', 'username must not mix Latin and Cyrillic letters'],
      ['a zero-width space', 'iv\u200ban_x', 'username must not contain invisible or formatting characters'],
      ['a right-to-left override', 'ivan\u202e_x', 'username must not contain invisible or formatting characters'],
      ['a Hangul filler', 'ivan_\u3164x', 'username must not contain invisible or formatting characters'],
      ['a small capital', 'ᴀlex_x', 'username must be 3-32 characters: Latin or Cyrillic letters, digits, _ or -'],
    ])('should reject a username with %s, saying why', async (_label, username, message) => {
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username, password: TEST_PASSWORD })
        .expect(400);
      expect(res.body.error.details).toEqual([{ field: 'username', message }]);
    });

    it('should reject an email with invisible characters', async () => {
      for (const email of [`iv\u200ban${digits()}@example.com`, `ivan${digits()}@exa\u00admple.com`]) {
        const res = await t.http.post('/api/auth/register').send({ email, username: uniq(), password: TEST_PASSWORD }).expect(400);
        expect(res.body.error.details).toEqual([{ field: 'email', message: 'email must not contain invisible or formatting characters' }]);
      }
    });

    it.each([
      ['every letter a Cyrillic look-alike', (d: string) => `copy_${d}`, (d: string) => `сору_${d}`],
      ['a capital I for an l', (d: string) => `lvan_${d}`, (d: string) => `Ivan_${d}`],
      ['rn for m', (d: string) => `modern_${d}`, (d: string) => `rnodern_${d}`],
      ['a zero for an O', (d: string) => `bob_${d}_o`, (d: string) => `bob_${d}_0`],
    ])('should answer 409 USERNAME_TAKEN for a look-alike of an existing username (%s)', async (_label, original, lookAlike) => {
      const d = digits();
      await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: original(d), password: TEST_PASSWORD })
        .expect(201);
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: lookAlike(d), password: TEST_PASSWORD })
        .expect(409);
      expect(res.body).toEqual({ error: { code: 'USERNAME_TAKEN', message: expect.any(String) } });
    });

    it.each(['admin', 'Administrator', 'the_admin', 'adm1n', 'Support2', 'Модератор', 'редакция'])(
      'should answer 409 USERNAME_RESERVED for %s: names that impersonate staff are for staff accounts',
      async (username) => {
        const res = await t.http
          .post('/api/auth/register')
          .send({ email: `${uniq()}@example.com`, username, password: TEST_PASSWORD })
          .expect(409);
        expect(res.body).toEqual({ error: { code: 'USERNAME_RESERVED', message: expect.any(String) } });
      },
    );

    it('should reserve the site names configured in RESERVED_USERNAMES as well', async () => {
      const site = await startTestApp({ RESERVED_USERNAMES: 'Dnevnik, Капитал' });
      try {
        for (const username of ['dnevnik', 'dnevnik_bg', 'капитал']) {
          const res = await site.http
            .post('/api/auth/register')
            .send({ email: `${uniq()}@example.com`, username, password: TEST_PASSWORD })
            .expect(409);
          expect(res.body.error.code).toBe('USERNAME_RESERVED');
        }
        await site.http
          .post('/api/auth/register')
          .send({ email: `${uniq()}@example.com`, username: `badminton_${digits()}`, password: TEST_PASSWORD })
          .expect(201);
      } finally {
        await site.close();
      }
    });

    it.each([
      [9, 400],
      [10, 201],
      [128, 201],
      [129, 400],
    ])('should answer a %i-character password with %i', async (length, status) => {
      const password = 'p'.repeat(length);
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: uniq(), password })
        .expect(status);
      if (status === 400) expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'password' })]);
    });

    it.each([
      ['10 spaces', ' '.repeat(10)],
      ['tabs and newlines', '\t\n'.repeat(8)],
      ['one letter and spaces', `a${' '.repeat(12)}`],
      ['9 letters padded with spaces', `  abcdefghi  `],
    ])('should refuse a password of %s', async (_name, password) => {
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: uniq(), password })
        .expect(400);
      expect(res.body.error.details).toEqual([
        { field: 'password', message: 'password must have at least 10 characters other than spaces' },
      ]);
    });

    it('should accept a passphrase with spaces between its words', async () => {
      await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username: uniq(), password: 'липов цвят над Витоша' })
        .expect(201);
    });

    it('should reject a password equal to the email, ignoring case', async () => {
      const name = uniq('emailpw');
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${name}@example.com`, username: uniq(), password: `${name.toUpperCase()}@EXAMPLE.com` })
        .expect(400);
      expect(res.body.error).toEqual({
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        details: [{ field: 'password', message: 'password must not equal the email or the username' }],
      });
    });

    it('should reject a password equal to the username, ignoring case', async () => {
      const username = `Long_${uniq('name')}`;
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${uniq()}@example.com`, username, password: username.toLowerCase() })
        .expect(400);
      expect(res.body.error.details).toEqual([{ field: 'password', message: 'password must not equal the email or the username' }]);
    });

    it('should list every invalid field in one 400 VALIDATION_FAILED', async () => {
      const res = await t.http.post('/api/auth/register').send({ email: 'not-an-email', username: 'x', password: 'short' }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
      expect(fields).toEqual(['email', 'password', 'username']);
    });

    it('should say a missing field is required, not list every rule it would have had to meet', async () => {
      const empty = await t.http.post('/api/auth/register').send({}).expect(400);
      expect(empty.body.error.details).toEqual([
        { field: 'email', message: 'email is required' },
        { field: 'username', message: 'username is required' },
        { field: 'password', message: 'password is required' },
      ]);
      const nulls = await t.http.post('/api/auth/register').send({ email: null, username: uniq(), password: TEST_PASSWORD }).expect(400);
      expect(nulls.body.error.details).toEqual([{ field: 'email', message: 'email must not be null' }]);
    });

    it('should name only the type rule for a value of the wrong type', async () => {
      const typed = await t.http.post('/api/auth/register').send({ email: 42, username: 'ivan_x', password: true }).expect(400);
      expect(typed.body.error.details).toEqual([
        { field: 'email', message: 'email must be a string' },
        { field: 'password', message: 'password must be a string' },
      ]);
    });

    it('should refuse a role in the registration body (no self-promotion)', async () => {
      const name = uniq();
      const res = await t.http
        .post('/api/auth/register')
        .send({ email: `${name}@example.com`, username: name, password: TEST_PASSWORD, role: 'admin' })
        .expect(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'role' })]);
      expect(await t.prisma.user.count({ where: { email: `${name}@example.com` } })).toBe(0);
    });
  });

  describe('POST /api/auth/login', () => {
    it('should log in by username in another case', async () => {
      const u = await createUser(t);
      const res = await t.http.post('/api/auth/login').send({ login: u.username.toUpperCase(), password: u.password }).expect(200);
      expect(res.body).toEqual({
        user: expect.objectContaining({ id: u.id, username: u.username }),
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
      });
      await t.http.get('/api/auth/me').set(authHeader(res.body.accessToken)).expect(200);
    });

    it('should log in by email in another case, with surrounding spaces', async () => {
      const u = await createUser(t);
      const res = await t.http
        .post('/api/auth/login')
        .send({ login: `  ${u.email.toUpperCase()} `, password: u.password })
        .expect(200);
      expect(res.body.user.id).toBe(u.id);
    });

    it('should answer the same 401 INVALID_CREDENTIALS for a wrong password and an unknown account', async () => {
      const u = await createUser(t);
      const wrong = await t.http.post('/api/auth/login').send({ login: u.username, password: 'wrong password!' }).expect(401);
      const unknownName = await t.http
        .post('/api/auth/login')
        .send({ login: uniq('ghost'), password: u.password })
        .expect(401);
      const unknownEmail = await t.http
        .post('/api/auth/login')
        .send({ login: `${uniq('ghost')}@example.com`, password: u.password })
        .expect(401);
      const expected = { error: { code: 'INVALID_CREDENTIALS', message: 'Invalid login or password' } };
      expect(wrong.body).toEqual(expected);
      expect(unknownName.body).toEqual(expected);
      expect(unknownEmail.body).toEqual(expected);
    });

    it('should not accept the password in another case', async () => {
      const u = await createUser(t);
      await t.http.post('/api/auth/login').send({ login: u.username, password: u.password.toUpperCase() }).expect(401);
    });

    it.each([
      ['no password', { login: 'someone' }, ['password']],
      ['no login', { password: TEST_PASSWORD }, ['login']],
      ['an empty body', {}, ['login', 'password']],
      ['non-string fields', { login: 5, password: { $ne: '' } }, ['login', 'password']],
      ['an unknown field', { login: 'someone', password: TEST_PASSWORD, remember: true }, ['remember']],
      ['a blank login', { login: '   ', password: TEST_PASSWORD }, ['login']],
    ])('should answer %s with 400 VALIDATION_FAILED and details', async (_label, body, fields) => {
      const res = await t.http.post('/api/auth/login').send(body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect([...new Set((res.body.error.details as { field: string }[]).map((d) => d.field))].sort()).toEqual(fields);
    });

    it('should not rate-limit when RATE_LIMIT_ENABLED is false (the test default)', async () => {
      const login = uniq('nolimit');
      for (let i = 0; i < 12; i++) await t.http.post('/api/auth/login').send({ login, password: 'wrong password!' }).expect(401);
    });

    it('should take similar time for an unknown account and a wrong password (no enumeration by timing)', async () => {
      const u = await createUser(t);
      const time = async (login: string) => {
        const started = performance.now();
        await t.http.post('/api/auth/login').send({ login, password: 'wrong password!' }).expect(401);
        return performance.now() - started;
      };
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      await time(u.username); // warm-up: connections, prepared statements, JIT
      await time(uniq('ghost'));
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 9; i++) {
        known.push(await time(u.username));
        unknown.push(await time(uniq('ghost')));
      }
      const ratio = median(unknown) / median(known);
      expect(ratio, `unknown ${median(unknown).toFixed(1)} ms vs wrong password ${median(known).toFixed(1)} ms`).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    });
  });

  describe('GET /api/auth/me', () => {
    it('should return only the public self view, never the password hash or private columns', async () => {
      const u = await createUser(t);
      const res = await t.http.get('/api/auth/me').set(authHeader(u.token)).expect(200);
      expect(Object.keys(res.body)).toEqual(['user']);
      expect(Object.keys(res.body.user).sort()).toEqual(SELF_KEYS);
      expect(res.body.user).toMatchObject({ id: u.id, email: u.email, username: u.username, role: 'reader' });
      expect(JSON.stringify(res.body)).not.toMatch(/argon2|password|banned|deleted|approvedCommentCount/i);
    });

    it('should answer 401 UNAUTHENTICATED without a token', async () => {
      const res = await t.http.get('/api/auth/me').expect(401);
      expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    });

    it('should answer 401 INVALID_TOKEN for a malformed bearer token', async () => {
      const res = await t.http.get('/api/auth/me').set(authHeader('not.a.jwt')).expect(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    });
  });
});
