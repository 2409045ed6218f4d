import unhomoglyph from 'unhomoglyph';
import { hasInvisibleCharacters } from '../common/text/invisible.js';

/**
 * What a username may be, and when two usernames are "the same". Pure functions, shared by registration, the
 * first-admin bootstrap, the check of existing accounts (username-audit.ts) and (later) accounts created from a
 * publisher's sign-in, so every account obeys the same rules.
 *
 * - 3-32 characters after NFKC: letters of one script (Latin or Cyrillic), ASCII digits, `_` and `-`. The letters
 *   allowed are those of everyday writing: ASCII, Latin-1, Latin Extended-A/B and Extended Additional, and the
 *   main Cyrillic block. IPA, small capitals, Cyrillic Supplement and other technical look-alikes are not letters
 *   anyone needs in a name, only in a disguise.
 * - One script: a name mixing Latin and Cyrillic letters ("аdmin" with a Cyrillic а) is refused (Unicode TR39's
 *   single-script rule).
 * - No invisible or formatting characters (zero-width, bidi, fillers): refused outright, not stripped.
 * - Unique by confusable skeleton (TR39, data from the `unhomoglyph` package): "аdmіn" spelled wholly in Cyrillic
 *   look-alikes, "Ivan" / "lvan" and "rn" / "m" are the same name; case never matters (`normalizeUsername`).
 * - Names that impersonate the site or its staff (RESERVED_USERNAMES) are for staff accounts only.
 */

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const USERNAME_RULE = 'username must be 3-32 characters: Latin or Cyrillic letters, digits, _ or -';

const LATIN = 'a-zA-Z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u1E00-\\u1EFF';
const CYRILLIC = '\\u0400-\\u0481\\u048A-\\u04FF';
/** The characters and length a username may have (the one-script and look-alike rules come on top). */
export const USERNAME_SHAPE = `^[${LATIN}${CYRILLIC}0-9_-]{${USERNAME_MIN},${USERNAME_MAX}}$`;
const ALLOWED = new RegExp(USERNAME_SHAPE, 'u');
const ALLOWED_CHAR = new RegExp(`^[${LATIN}${CYRILLIC}0-9_-]$`, 'u');
const LATIN_LETTER = new RegExp(`[${LATIN}]`, 'u');
const CYRILLIC_LETTER = new RegExp(`[${CYRILLIC}]`, 'u');
const SEPARATORS = /[_-]+/g;

export type UsernameProblem = 'invisible' | 'characters' | 'mixed-script' | 'reserved';

export const USERNAME_PROBLEMS: Readonly<Record<UsernameProblem, string>> = {
  invisible: 'username must not contain invisible or formatting characters',
  characters: USERNAME_RULE,
  'mixed-script': 'username must not mix Latin and Cyrillic letters',
  reserved: 'this username is reserved for the site and its staff',
};

export interface ValidUsername {
  /** What is stored and shown: trimmed and NFKC-normalised. */
  username: string;
  /** Case-insensitive lookup form (login by username, uniqueness). */
  normalized: string;
  /** Confusable skeleton (uniqueness: look-alike names cannot coexist). */
  skeleton: string;
}

export type UsernameCheck = ({ ok: true } & ValidUsername) | { ok: false; problem: UsernameProblem; message: string };

/** Display form: trimmed and NFKC-normalised (full-width and other compatibility letters become plain ones). */
export function canonicalUsername(username: string): string {
  return username.trim().normalize('NFKC');
}

/** Case-insensitive lookup form (also how login finds an account by username). */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/** TR39 skeleton: NFD, every character replaced by its confusable prototype, NFD again. */
function skeleton(s: string): string {
  return unhomoglyph(s.normalize('NFD')).normalize('NFD');
}

/**
 * The look-alike key: the skeleton of the display form (as typed, so that a capital I, which looks like l, collides
 * with l), lower-cased. Names that differ only in case already collide on `normalizeUsername`; a username is unique
 * on both.
 */
export function usernameSkeleton(username: string): string {
  return skeleton(canonicalUsername(username)).toLowerCase();
}

/**
 * Words the reserved list must also catch when spelled with digits: "adm1n", "m0derator". (TR39 maps 1 to l and 0
 * to O only, which is right for uniqueness but too narrow for impersonation.)
 */
const DIGIT_LETTERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['0', ['o']],
  ['1', ['i', 'l']],
  ['3', ['e']],
  ['4', ['a']],
  ['5', ['s']],
  ['7', ['t']],
  ['8', ['b']],
]);

const HAS_DIGIT_LETTER = new RegExp(`[${[...DIGIT_LETTERS.keys()].join('')}]`);

function digitReadings(s: string): string[] {
  // Most names have none of these digits: one reading, without building it a character at a time.
  if (!HAS_DIGIT_LETTER.test(s)) return [s];
  let out = [''];
  for (const ch of s) {
    const options = DIGIT_LETTERS.get(ch) ?? [ch];
    out = out.flatMap((prefix) => options.map((o) => prefix + o));
    if (out.length > 16) break; // a name full of digits is not a disguised word
  }
  return out;
}

/**
 * The reserved-list key: the skeleton without accents and other marks (skeletons keep them: `admín` is not `admin`
 * for uniqueness, but it impersonates it all the same), without separators.
 */
const reservedKey = (s: string) => usernameSkeleton(s).replace(/\p{M}/gu, '').replace(SEPARATORS, '');

/** Always reserved for staff; RESERVED_USERNAMES adds the site's own names (its title, brands). */
export const BUILT_IN_RESERVED_USERNAMES: readonly string[] = [
  'admin',
  'administrator',
  'sysadmin',
  'root',
  'system',
  'moderator',
  'mod',
  'support',
  'staff',
  'editor',
  'newsroom',
  'official',
  'webmaster',
  'админ',
  'администратор',
  'модератор',
  'редактор',
  'редакция',
  'поддръжка',
];

/**
 * The names that impersonate the site or its staff. A username is reserved when its skeleton (ignoring `_`, `-`
 * and accents) is one of them, when one of its parts between separators and digits is ("the_admin", "admin2"), or when it
 * is one of them spelled with digits ("adm1n"). Not substrings: "badminton" and "supporter" stay available.
 * Skeletons depend on case (Cyrillic к and К have different prototypes, I looks like l), so names are compared
 * as typed and lower-cased, against the list lower-cased, upper-cased and capitalised.
 */
export class ReservedUsernames {
  private readonly keys: ReadonlySet<string>;

  constructor(names: readonly string[]) {
    const spellings = (n: string) => [n.toLowerCase(), n.toUpperCase(), n.charAt(0).toUpperCase() + n.slice(1).toLowerCase()];
    this.keys = new Set(names.flatMap(spellings).map(reservedKey).filter(Boolean));
  }

  /** The built-in staff names plus the site's own (RESERVED_USERNAMES). */
  static forSite(extra: readonly string[]): ReservedUsernames {
    return new ReservedUsernames([...BUILT_IN_RESERVED_USERNAMES, ...extra]);
  }

  matches(username: string): boolean {
    const typed = canonicalUsername(username);
    return [typed, typed.toLowerCase()].some((name) =>
      [
        reservedKey(name),
        ...name.split(/[_\-0-9]+/).map(reservedKey),
        ...digitReadings(name.replace(SEPARATORS, '')).map(reservedKey),
      ].some((c) => this.keys.has(c)),
    );
  }
}

const refuse = (problem: UsernameProblem): UsernameCheck => ({ ok: false, problem, message: USERNAME_PROBLEMS[problem] });

/**
 * Validates and normalises a username. `reserved` and `staff` decide whether a reserved name is allowed (staff
 * accounts only); without `reserved` that rule is not applied (the DTO checks shape, the service checks the list).
 */
export function checkUsername(raw: string, opts: { reserved?: ReservedUsernames; staff?: boolean } = {}): UsernameCheck {
  if (hasInvisibleCharacters(raw.trim())) return refuse('invisible');
  const username = canonicalUsername(raw);
  if (!ALLOWED.test(username)) return refuse('characters');
  if (LATIN_LETTER.test(username) && CYRILLIC_LETTER.test(username)) return refuse('mixed-script');
  if (opts.reserved && !opts.staff && opts.reserved.matches(username)) return refuse('reserved');
  return { ok: true, username, normalized: normalizeUsername(username), skeleton: usernameSkeleton(username) };
}

/**
 * A valid username built from any text (a publisher's display name, a preferred username, an email's local
 * part): compatibility forms folded, spaces and punctuation turned into `_`, other characters dropped, letters of
 * the minority script dropped, cut to leave room for a numeric suffix. Falls back to "reader" when nothing usable
 * is left, or when the result is reserved and the account is not staff. Not yet unique: see
 * UsernamesService.deriveUnique.
 */
export function usernameBase(seed: string, opts: { reserved?: ReservedUsernames; staff?: boolean } = {}): string {
  const chars = [...seed.normalize('NFKC').replace(/@.*$/s, '')].map((ch) => {
    if (hasInvisibleCharacters(ch) && !/\s/u.test(ch)) return '';
    if (/[\s.'’_+]/u.test(ch)) return '_';
    return ALLOWED_CHAR.test(ch) ? ch : '';
  });
  let text = chars.join('');
  const latin = [...text].filter((c) => LATIN_LETTER.test(c)).length;
  const cyrillic = [...text].filter((c) => CYRILLIC_LETTER.test(c)).length;
  if (latin && cyrillic) text = [...text].filter((c) => !(cyrillic > latin ? LATIN_LETTER : CYRILLIC_LETTER).test(c)).join('');
  const base = text
    .replace(/_{2,}/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, USERNAME_MAX - 4)
    .replace(/[_-]+$/, '');
  if (!checkUsername(base, opts).ok) return 'reader';
  return base;
}
