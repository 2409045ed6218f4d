import { AppError } from '../../common/errors/app-error.js';
import { cleanDisplayName, readSsoProfile, roleFromClaim } from './sso-profile.js';

const ISSUER = 'https://www.example.bg';
const trusted = { roleClaim: 'newsroom_role', trustRoles: true };

describe('readSsoProfile', () => {
  it('should read sub, a normalised email, the username seed and the display name', () => {
    expect(
      readSsoProfile(ISSUER, { sub: '4217', email: ' Ivan.Petrov@Example.BG ', preferred_username: 'ivan', name: 'Иван Петров' }, trusted),
    ).toEqual({
      issuer: ISSUER,
      subject: '4217',
      email: 'ivan.petrov@example.bg',
      emailVerified: false,
      preferredUsername: 'ivan',
      displayName: 'Иван Петров',
    });
  });

  it('should prefer `username` to `preferred_username`', () => {
    expect(readSsoProfile(ISSUER, { sub: '1', username: 'ivan_p', preferred_username: 'ivan' }, trusted).preferredUsername).toBe('ivan_p');
  });

  it('should drop an email the publisher marks unverified', () => {
    expect(readSsoProfile(ISSUER, { sub: '1', email: 'ivan@example.bg', email_verified: false }, trusted).email).toBeUndefined();
    expect(readSsoProfile(ISSUER, { sub: '1', email: 'ivan@example.bg', email_verified: true }, trusted).email).toBe('ivan@example.bg');
  });

  it('should count the email as confirmed only when the token says `email_verified: true`', () => {
    expect(readSsoProfile(ISSUER, { sub: '1', email: 'ivan@example.bg', email_verified: true }, trusted).emailVerified).toBe(true);
    expect(readSsoProfile(ISSUER, { sub: '1', email: 'ivan@example.bg' }, trusted).emailVerified).toBe(false);
    expect(readSsoProfile(ISSUER, { sub: '1', email: 'ivan@example.bg', email_verified: 'true' }, trusted).emailVerified).toBe(false);
  });

  it('should read the role only when the issuer is trusted for roles', () => {
    expect(readSsoProfile(ISSUER, { sub: '1', newsroom_role: 'admin' }, trusted).role).toBe('admin');
    expect(readSsoProfile(ISSUER, { sub: '1', newsroom_role: 'admin' }, { ...trusted, trustRoles: false }).role).toBeUndefined();
    expect(readSsoProfile(ISSUER, { sub: '1', newsroom_role: { admin: true } }, { ...trusted, trustRoles: false }).role).toBeUndefined();
    expect(readSsoProfile(ISSUER, { sub: '1' }, trusted).role).toBeUndefined();
  });

  it.each([
    [{ sub: '' }, 'sub'],
    [{ sub: '   ' }, 'sub'],
    [{ sub: 'x'.repeat(256) }, 'sub'],
    [{ sub: 'a\u200bb' }, 'sub'],
    [{ sub: '1', email: 42 }, 'email'],
    [{ sub: '1', email: 'ivan\u200b@example.bg' }, 'email'],
    [{ sub: '1', name: ['Иван'] }, 'name'],
    [{ sub: '1', username: 7 }, 'username'],
    [{ sub: '1', newsroom_role: 7 }, 'newsroom_role'],
  ])('should refuse %o naming the claim %s', (claims, claim) => {
    let error: unknown;
    try {
      readSsoProfile(ISSUER, claims, trusted);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'SSO_TOKEN_MALFORMED', details: [{ field: claim }] });
  });
});

describe('roleFromClaim', () => {
  it.each([
    ['admin', 'admin'],
    ['Moderator', 'moderator'],
    [['subscriber', 'moderator'], 'moderator'],
    [['moderator', 'admin'], 'admin'],
    ['subscriber', 'reader'],
    [[], 'reader'],
  ])('should map %o to %s', (value, role) => {
    expect(roleFromClaim('role', value)).toBe(role);
  });
});

describe('cleanDisplayName', () => {
  it('should drop invisible and bidi characters, collapse spaces and cut long names', () => {
    expect(cleanDisplayName('  Ива\u202eн\u200b \t Петров ')).toBe('Иван Петров');
    expect(cleanDisplayName('\u200b\u200b')).toBeUndefined();
    expect(cleanDisplayName('я'.repeat(300))).toHaveLength(100);
  });
  it('should read the badge claim only when SSO_BADGE_CLAIM names it, and take the badge away when it is absent', () => {
    const opts = { ...trusted, badgeClaim: 'newsroom_badge' };
    expect(readSsoProfile(ISSUER, { sub: '1', newsroom_badge: 'journalist' }, opts).badge).toBe('journalist');
    expect(readSsoProfile(ISSUER, { sub: '1' }, opts).badge).toBeNull();
    expect(readSsoProfile(ISSUER, { sub: '1', newsroom_badge: 'journalist' }, trusted).badge).toBeUndefined();
    expect(() => readSsoProfile(ISSUER, { sub: '1', newsroom_badge: { staff: true } }, opts)).toThrow(/newsroom_badge/);
  });
});
