/**
 * Text normalisation for the banned/suspect word filter. Pure functions, no I/O.
 *
 * Pipeline (the same for comment bodies and for the admin's list entries, so both sides meet in one form):
 *   1. NFKC (full-width, mathematical and other compatibility letters become plain ones), then lower case.
 *   2. Combining marks are stripped (ó → o, ѝ → и, ё → е), except the breve that makes й, a distinct Bulgarian
 *      letter. Format / zero-width characters (ZWSP, ZWJ, soft hyphen, BOM, bidi marks) and invisible fillers
 *      are removed, so "ид\u200bиот" is one word.
 *   3. Tokens are maximal runs of letters and digits. A run of 3+ one-character tokens is also tried joined
 *      ("и д и о т", "и.д.и.о.т").
 *   4. Look-alikes, per token:
 *      - a token in ONE script (Cyrillic or Latin, digits allowed) stays in that script; only its digits (and any
 *        Greek look-alikes) are read as letters of that script ("иди0т" → "идиот", "1d10t" → "idiot");
 *      - a MIXED-script token (Latin and Cyrillic letters together, which no genuine word is) is folded both
 *        ways, and either form may match: "идиoт" (Latin o) → "идиот", "idiоt" (Cyrillic о) → "idiot".
 *      All-Latin tokens are never re-read as Cyrillic: genuine English words such as "top", "cop", "hop" or "bop"
 *      would otherwise turn into Bulgarian words ("тор", "сор", "нор", "вор"). The price: a Cyrillic word typed
 *      entirely in Latin look-alikes (or transliterated) is not caught; add that spelling as its own entry.
 *   5. Runs of a repeated character collapse to one ("идиооот" → "идиот"). Entries collapse the same way, so a
 *      genuine double letter still matches.
 *
 * Matching is by whole token. An entry also matches its inflected forms: Bulgarian nouns and adjectives take
 * suffixes and a postfixed article (идиот → идиотът, идиоти, идиотите, идиотски), so a Cyrillic entry matches
 * the entry followed by one of BG_SUFFIXES (and, for entries ending in a vowel, the stem without it plus a
 * suffix: курва → курви, курвите). A plain prefix rule would turn short stems into false positives everywhere
 * (a banned "кур" would hit "куриер" and "курорт"), so open-ended prefixes need an explicit trailing `*`
 * ("идиот*" matches any word that starts with "идиот").
 */

/** Latin, digit and Greek look-alikes of Cyrillic letters (after lower-casing). */
const TO_CYRILLIC: Readonly<Record<string, string>> = {
  a: 'а', b: 'в', c: 'с', e: 'е', h: 'н', i: 'и', k: 'к', m: 'м', n: 'п', o: 'о', p: 'р', r: 'г', t: 'т',
  u: 'и', x: 'х', y: 'у',
  '0': 'о', '3': 'з', '4': 'ч', '6': 'б',
  α: 'а', β: 'в', ε: 'е', η: 'п', ι: 'и', κ: 'к', μ: 'м', ο: 'о', π: 'п', ρ: 'р', τ: 'т', υ: 'у', χ: 'х',
  і: 'и', ї: 'и', ј: 'й', ѕ: 'с',
};

/** Cyrillic, digit and Greek look-alikes of Latin letters (after lower-casing). */
const TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', с: 'c', е: 'e', н: 'h', і: 'i', и: 'u', к: 'k', м: 'm', п: 'n', о: 'o', р: 'p', г: 'r',
  т: 't', х: 'x', у: 'y', ѕ: 's', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'm', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};

/** Inflectional endings of Bulgarian nouns and adjectives (incl. the postfixed article) and common derivations. */
export const BG_SUFFIXES: readonly string[] = [
  'а', 'я', 'о', 'е', 'и', 'у', 'ю',
  'ът', 'ят', 'та', 'то', 'те', 'ия', 'ият', 'ата', 'ото', 'ите', 'ета', 'етата', 'ене', 'ена', 'ената',
  'ове', 'овете', 'еве', 'евете', 'ища', 'ищата', 'ища', 'ци', 'ците', 'ки', 'ките', 'ка', 'ката', 'ко',
  'ски', 'ска', 'ско', 'ския', 'ският', 'ската', 'ското', 'ските', 'щина', 'щината', 'че', 'чета', 'чето',
  'ище', 'ището', 'ина', 'ината', 'ин', 'ина', 'ьо', 'йо',
];

/** Plural and common derived endings of English words. */
export const EN_SUFFIXES: readonly string[] = ['s', 'es', 'ed', 'ing', 'er', 'ers', 'y', 'ic'];

const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;
const VOWEL_END = /[аяоеиуюaeiouy]$/u;
// Format characters (zero-width, bidi, soft hyphen, BOM) and invisible "letters" used as fillers.
const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0\u2800]/gu;
const MARK = /\p{M}/u;
const TOKEN = /[\p{L}\p{N}]+/gu;
const BREVE = '\u0306';

/** Steps 1-2: compatibility forms, case, diacritics (keeping й) and invisible characters. */
export function normalizeText(text: string): string {
  const decomposed = text.normalize('NFKC').toLowerCase().replace(INVISIBLE, '').normalize('NFD');
  let out = '';
  let prev = '';
  for (const ch of decomposed) {
    // Keep the breve only on и (й); any other combining mark is decoration or an evasion trick.
    if (MARK.test(ch) && !(ch === BREVE && prev === 'и')) continue;
    out += ch;
    prev = ch;
  }
  return out.normalize('NFC');
}

/** "идиооот" → "идиот". */
export function collapseRepeats(s: string): string {
  let out = '';
  let prev = '';
  for (const ch of s) {
    if (ch !== prev) out += ch;
    prev = ch;
  }
  return out;
}

function fold(token: string, table: Readonly<Record<string, string>>): string {
  let out = '';
  for (const ch of token) out += table[ch] ?? ch;
  return out;
}

function scripts(token: string): { cyrillic: number; latin: number } {
  let cyrillic = 0;
  let latin = 0;
  for (const ch of token) {
    if (CYRILLIC.test(ch)) cyrillic++;
    else if (LATIN.test(ch)) latin++;
  }
  return { cyrillic, latin };
}

/** Step 4-5 for one token: the canonical forms it may match as (one for single-script tokens, two for mixed). */
export function tokenVariants(token: string): string[] {
  const { cyrillic, latin } = scripts(token);
  const variants = new Set<string>();
  if (cyrillic > 0) variants.add(collapseRepeats(fold(token, TO_CYRILLIC)));
  if (latin > 0) variants.add(collapseRepeats(fold(token, TO_LATIN)));
  if (variants.size === 0) variants.add(collapseRepeats(token)); // digits only, Greek only, other scripts
  return [...variants];
}

/**
 * Steps 1-3: the tokens of a text, plus runs of 3+ single characters separated by exactly one other character
 * joined ("и д и о т", "и.д.и.о.т"). A longer gap ends a run, so "Мнение 7: и д и о т" still yields "идиот".
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let run: string[] = [];
  let runEnd = -1;
  const flush = () => {
    if (run.length >= 3) out.push(run.join(''));
    run = [];
  };
  for (const m of normalizeText(text).matchAll(TOKEN)) {
    const token = m[0];
    out.push(token);
    if (token.length !== 1) {
      flush();
      continue;
    }
    if (m.index !== runEnd + 1) flush();
    run.push(token);
    runEnd = m.index + 1;
  }
  flush();
  return out;
}

/** Every canonical form found in a text (what the filter looks up). */
export function textForms(text: string): Set<string> {
  const forms = new Set<string>();
  for (const token of tokenize(text)) for (const v of tokenVariants(token)) forms.add(v);
  return forms;
}

export interface NormalizedEntry {
  /** Canonical form stored in word_filters.normalized; a trailing `*` marks a prefix entry. */
  normalized: string;
  stem: string;
  prefix: boolean;
  cyrillic: boolean;
}

/**
 * Canonical form of an admin's entry, or null if it is not exactly one word (optionally ending in `*`).
 * A mixed-script entry is folded to its majority script (ties go to Cyrillic).
 */
export function normalizeEntry(word: string): NormalizedEntry | null {
  const trimmed = word.trim();
  const prefix = trimmed.endsWith('*');
  const tokens = normalizeText(prefix ? trimmed.slice(0, -1) : trimmed).match(TOKEN) ?? [];
  if (tokens.length !== 1) return null;
  const token = tokens[0]!;
  const { cyrillic, latin } = scripts(token);
  const toCyrillic = cyrillic >= latin && cyrillic > 0;
  const stem = collapseRepeats(toCyrillic ? fold(token, TO_CYRILLIC) : latin > 0 ? fold(token, TO_LATIN) : token);
  return { normalized: prefix ? `${stem}*` : stem, stem, prefix, cyrillic: CYRILLIC.test(stem) };
}

/** The exact forms a non-prefix entry matches: itself and its inflections (see the header comment). */
export function entryForms(entry: NormalizedEntry): string[] {
  if (entry.prefix) return [entry.stem];
  const forms = new Set([entry.stem]);
  const [...chars] = entry.stem;
  // One- and two-letter entries match only themselves: inflecting them would hit too many unrelated words.
  if (chars.length < 3) return [...forms];
  const suffixes = entry.cyrillic ? BG_SUFFIXES : EN_SUFFIXES;
  const bare = chars.length >= 4 && VOWEL_END.test(entry.stem) ? chars.slice(0, -1).join('') : null;
  for (const s of suffixes) {
    forms.add(collapseRepeats(entry.stem + s));
    if (bare) forms.add(collapseRepeats(bare + s));
  }
  return [...forms];
}
