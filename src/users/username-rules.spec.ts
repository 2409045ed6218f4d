import { checkUsername, normalizeUsername, ReservedUsernames, usernameBase, usernameSkeleton } from './username-rules.js';

const reserved = ReservedUsernames.forSite(['dnevnik']);
const problem = (name: string, staff = false) => {
  const c = checkUsername(name, { reserved, staff });
  return c.ok ? 'ok' : c.problem;
};

describe('username rules', () => {
  describe('usernameSkeleton (uniqueness)', () => {
    it.each([
      ['admin', 'аdmіn'], // Cyrillic а and і
      ['ace', 'асе'], // every letter a Cyrillic look-alike
      ['ACE', 'АСЕ'],
      ['Ivan', 'lvan'], // capital I looks like l
      ['modern', 'rnodern'], // rn looks like m
      ['user0', 'userO'],
      ['paypal', 'рaураl'], // Cyrillic р and у
      ['ｉｖａｎ', 'ivan'], // full-width
    ])('should give %s and %s the same skeleton', (a, b) => {
      expect(usernameSkeleton(a)).toBe(usernameSkeleton(b));
    });

    it.each([
      ['ivan', 'lvan'], // lower-case i has its dot
      ['ivan', 'иван'],
      ['petar', 'петър'],
      ['maria', 'mariya'],
    ])('should keep %s and %s apart', (a, b) => {
      expect(usernameSkeleton(a)).not.toBe(usernameSkeleton(b));
    });

    it('should ignore case like the lookup form does', () => {
      expect(usernameSkeleton('IVAN_PETROV')).toBe(usernameSkeleton('IVAN_petrov'));
      expect(normalizeUsername(' ИванПетров ')).toBe('иванпетров');
    });
  });

  describe('checkUsername', () => {
    it.each([
      ['ivan_petrov', 'ok'],
      ['Иван-Петров', 'ok'],
      ['José_García', 'ok'],
      ['reader2026', 'ok'],
      ['аdmin', 'mixed-script'], // Cyrillic а + Latin dmin
      ['ivan_петров', 'mixed-script'],
      ['pаypal', 'mixed-script'],
      ['ad\u200bmin', 'invisible'], // zero-width space
      ['ivan\u00adpetrov', 'invisible'], // soft hyphen
      ['ivan\u2066x\u2069', 'invisible'], // bidi isolates
      ['ivan\u3164', 'invisible'], // Hangul filler
      ['ᴀdmin', 'characters'], // small capital A
      ['ɑdmin', 'characters'], // IPA alpha
      ['ԁmitry', 'characters'], // Cyrillic Supplement komi de
      ['iv', 'characters'],
      ['x'.repeat(33), 'characters'],
      ['ivan petrov', 'characters'],
      ['ivan.petrov', 'characters'],
    ])('should judge %s as %s', (name, expected) => {
      expect(problem(name)).toBe(expected);
    });

    it('should normalise compatibility forms before judging and return the stored forms', () => {
      expect(checkUsername('  ｉｖａｎ_ｐｅｔｒｏｖ ')).toEqual({
        ok: true,
        username: 'ivan_petrov',
        normalized: 'ivan_petrov',
        skeleton: usernameSkeleton('ivan_petrov'),
      });
    });
  });

  describe('reserved names', () => {
    it.each([
      'admin',
      'Admin',
      'ADMINISTRATOR',
      'the_admin',
      'admin2',
      'admin-team',
      'ad_min',
      'adm1n',
      'm0derator',
      'supp0rt',
      'moderator',
      'Модератор',
      'админ',
      'редакция',
      'dnevnik', // the site's own name (RESERVED_USERNAMES)
      'dnevnik_official',
      'Dnevnik2',
      'Staff',
      // Accents and other marks do not disguise a staff name (issue 25: `admín` registered).
      'admín',
      'Àdmin',
      'mödërätör',
      'sūppört',
      'a\u0301dmin', // a combining acute accent
      'адмӣн', // Cyrillic и with a macron
      'ŗoot',
    ])('should reserve %s for staff', (name) => {
      expect(problem(name)).toBe('reserved');
      expect(problem(name, true)).toBe('ok');
    });

    it.each(['badminton', 'supporter', 'modest', 'model', 'editorial_fan', 'ivan_moderna', 'stafford', 'bádminton', 'Йордан'])(
      'should leave %s to readers',
      (name) => {
        expect(problem(name)).toBe('ok');
      },
    );

    it('should not apply the list when none is given (shape checks only)', () => {
      expect(checkUsername('admin').ok).toBe(true);
    });
  });

  describe('usernameBase (deriving a name from a publisher claim)', () => {
    it.each([
      ['Ivan Petrov', 'Ivan_Petrov'],
      ['Иван Петров', 'Иван_Петров'],
      ['ivan.petrov@example.com', 'ivan_petrov'],
      ['  J. R. R. Tolkien ', 'J_R_R_Tolkien'],
      ['Ivan Петров-Иванов', 'Петров-Иванов'], // minority script dropped
      ['ad\u200bmin ☺ ', 'reader'], // what is left is reserved for staff
      ['☺☺', 'reader'],
      ['a'.repeat(40), 'a'.repeat(28)],
    ])('should turn %s into %s', (seed, expected) => {
      const base = usernameBase(seed, { reserved });
      expect(base).toBe(expected);
      expect(checkUsername(base, { reserved }).ok).toBe(true);
    });

    it('should keep a reserved base for staff', () => {
      expect(usernameBase('Admin', { reserved, staff: true })).toBe('Admin');
    });
  });
});
