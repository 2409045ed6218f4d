import unhomoglyph from 'unhomoglyph';
import { INVISIBLE_CHARACTERS } from '../common/text/invisible.js';

/**
 * Text normalisation for the banned/suspect word filter. Pure functions, no I/O.
 *
 * Pipeline (the same for comment bodies and for the admin's list entries, so both sides meet in one form):
 *   1. NFKC (full-width, mathematical and other compatibility letters become plain ones), then lower case.
 *   2. Combining marks are stripped (ó → o, ѝ → и, ё → е), except the breve that makes й, a distinct Bulgarian
 *      letter. Invisible characters (zero-width, bidi marks, soft hyphen, fillers) are removed, so "ид\u200bиот" is
 *      one word.
 *   3. Letters that only look like Latin or Cyrillic ones become those: small capitals (ɪᴅɪᴏᴛ), IPA (ɑ, ɡ, ɩ),
 *      dotless ı and ȷ, Greek (ο, ι, κ) and, for anything else, the Unicode TR39 confusable prototype when it is
 *      a single letter (Cherokee, Armenian, mathematical look-alikes).
 *   4. Tokens are maximal runs of letters and digits. Letters split by separators are also tried joined:
 *      - single letters with up to three separator characters between them, spaces included: "и д и о т",
 *        "и.д.и.о.т", "и - д - и - о - т" (three or more letters);
 *      - chunks split by punctuation without spaces: "ид-иот", "f.u.c.k", "ид*иот".
 *      Every stretch of such a chain is tried, so "Мнение 7: и д и о т" still yields "идиот".
 *   5. Look-alikes across scripts, per token:
 *      - a token in ONE script (Cyrillic or Latin, digits allowed) stays in that script; only its digits are read
 *        as letters of that script ("иди0т" → "идиот", "1d10t" → "idiot");
 *      - a MIXED-script token (Latin and Cyrillic letters together, which no genuine word is) is folded both
 *        ways, and either form may match: "идиoт" (Latin o) → "идиот", "idiоt" (Cyrillic о) → "idiot".
 *      All-Latin tokens are never re-read as Cyrillic: genuine English words such as "top", "cop", "hop" or "bop"
 *      would otherwise turn into Bulgarian words ("тор", "сор", "нор", "вор"). The price: a Cyrillic word typed
 *      entirely in Latin look-alikes (or transliterated) is not caught; add that spelling as its own entry.
 *   6. Runs of a repeated character collapse to one ("идиооот" → "идиот"). Entries collapse the same way, so a
 *      genuine double letter still matches.
 *
 * Matching is by whole token. An entry also matches its inflected forms: Bulgarian nouns and adjectives take
 * suffixes and a postfixed article (идиот → идиотът, идиоти, идиотите, идиотски), so a Cyrillic entry matches
 * the entry followed by one of BG_SUFFIXES (and, for entries ending in a vowel, the stem without it plus a
 * suffix: курва → курви, курвите). A plain prefix rule would turn short stems into false positives everywhere
 * (a banned "кур" would hit "куриер" and "курорт"), so open-ended prefixes need an explicit trailing `*`
 * ("идиот*" matches any word that starts with "идиот"). An entry of several words (a phrase, up to
 * MAX_PHRASE_WORDS) matches those words in a row, each in any of its forms.
 */

export const MAX_PHRASE_WORDS = 5;

/** Latin look-alikes of Cyrillic letters, and digits read as Cyrillic letters (after lower-casing). */
const LATIN_TO_CYRILLIC = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  i: 'и',
  k: 'к',
  m: 'м',
  n: 'п',
  o: 'о',
  p: 'р',
  r: 'г',
  t: 'т',
  u: 'и',
  x: 'х',
  y: 'у',
};
const TO_CYRILLIC: ReadonlyMap<string, string> = new Map(
  Object.entries({
    ...LATIN_TO_CYRILLIC,
    // Neutral look-alikes (upper case, see NEUTRAL) read as Cyrillic letters where they have a twin.
    ...Object.fromEntries(Object.entries(LATIN_TO_CYRILLIC).map(([latin, cyrillic]) => [latin.toUpperCase(), cyrillic])),
    '0': 'о',
    '3': 'з',
    '4': 'ч',
    '6': 'б',
    і: 'и',
    ї: 'и',
    ј: 'й',
    ѕ: 'с',
  }),
);

/** Cyrillic look-alikes of Latin letters, and digits read as Latin letters (after lower-casing). */
const TO_LATIN: ReadonlyMap<string, string> = new Map(
  Object.entries({
    а: 'a',
    в: 'b',
    с: 'c',
    е: 'e',
    н: 'h',
    і: 'i',
    и: 'u',
    к: 'k',
    м: 'm',
    п: 'n',
    о: 'o',
    р: 'p',
    г: 'r',
    т: 't',
    х: 'x',
    у: 'y',
    ѕ: 's',
    ј: 'j',
    ԁ: 'd',
    ԛ: 'q',
    ԝ: 'w',
    '0': 'o',
    '1': 'i',
    '3': 'e',
    '4': 'a',
    '5': 's',
    '7': 't',
    '8': 'b',
  }),
);

/**
 * Letters of other blocks and scripts that stand in for plain Latin or Cyrillic ones, which TR39's data does not
 * map (or maps to something that is not a plain letter): small capitals, IPA, dotless letters, Greek. Those that
 * stand for a Latin letter become that letter in UPPER case, which marks it NEUTRAL: nobody writes English in small
 * capitals, and ᴍᴀᴍᴋᴀ is Cyrillic мамка as much as Latin mamka, so such letters take the script of the token.
 */
const LOOK_ALIKES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // Small capitals (Latin; several look like Cyrillic lower case: ʙ в, ʜ н, ᴍ м, ᴛ т, ᴋ к)
    ᴀ: 'a',
    ʙ: 'b',
    ᴄ: 'c',
    ᴅ: 'd',
    ᴇ: 'e',
    ꜰ: 'f',
    ɢ: 'g',
    ʜ: 'h',
    ɪ: 'i',
    ᴊ: 'j',
    ᴋ: 'k',
    ʟ: 'l',
    ᴍ: 'm',
    ɴ: 'n',
    ᴏ: 'o',
    ᴘ: 'p',
    ꞯ: 'q',
    ʀ: 'r',
    ꜱ: 's',
    ᴛ: 't',
    ᴜ: 'u',
    ᴠ: 'v',
    ᴡ: 'w',
    ʏ: 'y',
    ᴢ: 'z',
    // Small capitals of Greek and Cyrillic letters
    ᴦ: 'г',
    ᴨ: 'п',
    ᴫ: 'л',
    ᴩ: 'р',
    ᴎ: 'и',
    ᴙ: 'я',
    ᴧ: 'л',
    // IPA and phonetic letters
    ɐ: 'a',
    ɑ: 'a',
    ɒ: 'a',
    ɓ: 'b',
    ƀ: 'b',
    ɕ: 'c',
    ɖ: 'd',
    ɗ: 'd',
    ɘ: 'e',
    ə: 'e',
    ɛ: 'e',
    ɜ: 'e',
    ɡ: 'g',
    ɠ: 'g',
    ɦ: 'h',
    ɧ: 'h',
    ɨ: 'i',
    ɩ: 'i',
    ɫ: 'l',
    ɬ: 'l',
    ɭ: 'l',
    ɱ: 'm',
    ɲ: 'n',
    ɳ: 'n',
    ŋ: 'n',
    ɵ: 'o',
    ø: 'o',
    ɹ: 'r',
    ɾ: 'r',
    ɽ: 'r',
    ʂ: 's',
    ʈ: 't',
    ʉ: 'u',
    ʊ: 'u',
    ʋ: 'v',
    ʐ: 'z',
    ʑ: 'z',
    // Dotless letters
    ı: 'i',
    ȷ: 'j',
    // Greek
    α: 'a',
    β: 'b',
    ε: 'e',
    η: 'n',
    ι: 'i',
    κ: 'k',
    μ: 'm',
    ν: 'v',
    ο: 'o',
    ρ: 'p',
    τ: 't',
    υ: 'u',
    χ: 'x',
  }).map(([from, to]) => [from, /^[a-z]$/.test(to) ? to.toUpperCase() : to]),
);

/** A look-alike letter in neutral form (see LOOK_ALIKES): upper case never survives step 1 otherwise. */
const NEUTRAL = /[A-Z]/;

/** Inflectional endings of Bulgarian nouns and adjectives (incl. the postfixed article) and common derivations. */
export const BG_SUFFIXES: readonly string[] = [
  'а',
  'я',
  'о',
  'е',
  'и',
  'у',
  'ю',
  'ът',
  'ят',
  'та',
  'то',
  'те',
  'ия',
  'ият',
  'ата',
  'ото',
  'ите',
  'ета',
  'етата',
  'ене',
  'ена',
  'ената',
  'ове',
  'овете',
  'еве',
  'евете',
  'ища',
  'ищата',
  'ци',
  'ците',
  'ки',
  'ките',
  'ка',
  'ката',
  'ко',
  'ски',
  'ска',
  'ско',
  'ския',
  'ският',
  'ската',
  'ското',
  'ските',
  'щина',
  'щината',
  'че',
  'чета',
  'чето',
  'ище',
  'ището',
  'ина',
  'ината',
  'ин',
  'ьо',
  'йо',
];

/** Plural and common derived endings of English words. */
export const EN_SUFFIXES: readonly string[] = ['s', 'es', 'ed', 'ing', 'er', 'ers', 'y', 'ic'];

const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;
const PLAIN = /^[a-z0-9\u0400-\u04ff]$/u;
const PLAIN_LATIN = /^[a-z]$/;
const VOWEL_END = /[аяоеиуюaeiouy]$/u;
const MARK = /\p{M}/u;
const TOKEN = /[\p{L}\p{N}]+/gu;
const WHITESPACE = /\s/u;
const BREVE = '\u0306';
/** Separator characters allowed between letters that are still read as one word. */
const MAX_GAP = 3;
/** Longest joined form tried (longer than any word worth listing). */
const MAX_JOINED = 30;

/** Memo of TR39 look-ups, bounded so that a text of many distinct symbols cannot grow it without limit. */
const prototypes = new Map<string, string>();

/** A plain letter for a look-alike (step 3), or the character itself. */
function plainLetter(ch: string): string {
  if (PLAIN.test(ch)) return ch;
  const known = LOOK_ALIKES.get(ch);
  if (known) return known;
  let mapped = prototypes.get(ch);
  if (mapped === undefined) {
    const p = unhomoglyph(ch).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const letter = [...p].length === 1 && /\p{L}/u.test(ch) ? (PLAIN.test(p) ? p : LOOK_ALIKES.get(p)) : undefined;
    // A letter of another script that passes for a Latin one is neutral too.
    mapped = letter && PLAIN_LATIN.test(letter) ? letter.toUpperCase() : (letter ?? ch);
    if (prototypes.size < 10_000) prototypes.set(ch, mapped);
  }
  return mapped;
}

/** Steps 1-3: compatibility forms, case, diacritics (keeping й), invisible characters and look-alike letters. */
export function normalizeText(text: string): string {
  const decomposed = text.normalize('NFKC').toLowerCase().replace(INVISIBLE_CHARACTERS, '').normalize('NFD');
  let out = '';
  let prev = '';
  for (const ch of decomposed) {
    // Keep the breve only on и (й); any other combining mark is decoration or an evasion trick.
    if (MARK.test(ch) && !(ch === BREVE && prev === 'и')) continue;
    out += ch;
    prev = ch;
  }
  let folded = '';
  for (const ch of out.normalize('NFC')) folded += plainLetter(ch);
  return folded;
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

/** Maps a token's letters through `table`; neutral letters it has no entry for become their Latin letter. */
function fold(token: string, table: ReadonlyMap<string, string>): string {
  let out = '';
  for (const ch of token) out += table.get(ch) ?? (NEUTRAL.test(ch) ? ch.toLowerCase() : ch);
  return out;
}

function scripts(token: string): { cyrillic: number; latin: number; neutral: number } {
  let cyrillic = 0;
  let latin = 0;
  let neutral = 0;
  for (const ch of token) {
    if (NEUTRAL.test(ch)) neutral++;
    else if (CYRILLIC.test(ch)) cyrillic++;
    else if (LATIN.test(ch)) latin++;
  }
  return { cyrillic, latin, neutral };
}

/**
 * Step 5-6 for one token: the canonical forms it may match as (one for single-script tokens, two for mixed ones
 * and for tokens whose letters are all neutral look-alikes).
 */
export function tokenVariants(token: string): string[] {
  const { cyrillic, latin, neutral } = scripts(token);
  const onlyNeutral = neutral > 0 && cyrillic === 0 && latin === 0;
  const variants = new Set<string>();
  if (cyrillic > 0 || onlyNeutral) variants.add(collapseRepeats(fold(token, TO_CYRILLIC)));
  if (latin > 0 || onlyNeutral) variants.add(collapseRepeats(fold(token, TO_LATIN)));
  if (variants.size === 0) variants.add(collapseRepeats(token)); // digits only, other scripts
  return [...variants];
}

export interface Tokens {
  /** The words of the text, in order. */
  words: string[];
  /** Letters split by separators, joined (step 4): every linked stretch. */
  joined: string[];
  /** The words again, with each whole chain of split letters joined into one ("м-а-м-к-а ти" → мамка, ти). */
  stream: string[];
}

/**
 * Steps 1-4: the words of a text and the joined forms of letters split by separators. Two neighbouring tokens are
 * linked when at most MAX_GAP characters separate them and either both are single letters or the gap has no
 * whitespace. Every stretch of two or more linked tokens is tried joined; a stretch that contains a whitespace gap
 * needs three or more tokens ("и в" is two words, "и д и о т" is one).
 */
export function tokenize(text: string): Tokens {
  const normalized = normalizeText(text);
  const found = [...normalized.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
  const words = found.map((t) => t.text);
  const joined = new Set<string>();
  // spaced[i]: the link between token i-1 and token i crosses whitespace; undefined: no link.
  const spaced: (boolean | undefined)[] = found.map((t, i) => {
    const prev = found[i - 1];
    if (!prev) return undefined;
    const gap = normalized.slice(prev.end, t.start);
    if (gap.length > MAX_GAP) return undefined;
    const hasSpace = WHITESPACE.test(gap);
    if (hasSpace && !(prev.text.length === 1 && t.text.length === 1)) return undefined;
    return hasSpace;
  });
  // A stretch that crosses whitespace needs three or more tokens.
  const counts = (from: number, to: number, crossesSpace: boolean) => !crossesSpace || to - from >= 2;
  const stream: string[] = [];
  for (let start = 0; start < found.length;) {
    let end = start + 1; // the chain is found[start, end)
    while (end < found.length && spaced[end] !== undefined) end++;
    for (let i = start; i < end; i++) {
      let text = found[i].text;
      let crossesSpace = false;
      for (let j = i + 1; j < end; j++) {
        crossesSpace ||= spaced[j]!;
        text += found[j].text;
        if (text.length > MAX_JOINED) break;
        if (counts(i, j, crossesSpace)) joined.add(text);
      }
    }
    const chain = found.slice(start, end).map((t) => t.text);
    const chainCrossesSpace = spaced.slice(start + 1, end).some(Boolean);
    if (chain.length > 1 && counts(start, end - 1, chainCrossesSpace)) stream.push(chain.join(''));
    else stream.push(...chain);
    start = end;
  }
  return { words, joined: [...joined], stream };
}

/** Every canonical form found in a text (single-word entries are looked up here). */
export function textForms(tokens: Tokens): Set<string> {
  const forms = new Set<string>();
  for (const token of [...tokens.words, ...tokens.joined]) for (const v of tokenVariants(token)) forms.add(v);
  return forms;
}

export interface NormalizedWord {
  stem: string;
  /** The last word of an entry may end in `*`: any word starting with the stem. */
  prefix: boolean;
  cyrillic: boolean;
}

export interface NormalizedEntry {
  /** Canonical form stored in word_filters.normalized: the words' stems joined by spaces, `*` kept. */
  normalized: string;
  words: NormalizedWord[];
}

/**
 * Canonical form of one word of an entry; a mixed-script word is folded to its majority script (ties: Cyrillic),
 * a word of neutral look-alikes only to Latin.
 */
function normalizeWord(token: string, prefix: boolean): NormalizedWord {
  const { cyrillic, latin: plainLatin, neutral } = scripts(token);
  const latin = plainLatin + (cyrillic === 0 ? neutral : 0);
  const toCyrillic = cyrillic >= latin && cyrillic > 0;
  const stem = collapseRepeats(toCyrillic ? fold(token, TO_CYRILLIC) : latin > 0 ? fold(token, TO_LATIN) : token);
  return { stem, prefix, cyrillic: CYRILLIC.test(stem) };
}

/**
 * Canonical form of an admin's entry: one word, or a phrase of up to MAX_PHRASE_WORDS words, optionally ending in
 * `*` (the last word is then a prefix). Null when there is no word, too many, or a `*` anywhere but at the end.
 */
export function normalizeEntry(entry: string): NormalizedEntry | null {
  const trimmed = entry.trim();
  const prefix = trimmed.endsWith('*');
  const body = prefix ? trimmed.slice(0, -1) : trimmed;
  if (body.includes('*')) return null;
  const tokens = normalizeText(body).match(TOKEN) ?? [];
  if (tokens.length === 0 || tokens.length > MAX_PHRASE_WORDS) return null;
  const words = tokens.map((t, i) => normalizeWord(t, prefix && i === tokens.length - 1));
  return { normalized: words.map((w) => (w.prefix ? `${w.stem}*` : w.stem)).join(' '), words };
}

/** The exact forms a (non-prefix) word of an entry matches: itself and its inflections (see the header comment). */
export function wordForms(word: NormalizedWord): string[] {
  if (word.prefix) return [word.stem];
  const forms = new Set([word.stem]);
  const [...chars] = word.stem;
  // One- and two-letter words match only themselves: inflecting them would hit too many unrelated words.
  if (chars.length < 3) return [...forms];
  const suffixes = word.cyrillic ? BG_SUFFIXES : EN_SUFFIXES;
  const bare = chars.length >= 4 && VOWEL_END.test(word.stem) ? chars.slice(0, -1).join('') : null;
  for (const s of suffixes) {
    forms.add(collapseRepeats(word.stem + s));
    if (bare) forms.add(collapseRepeats(bare + s));
  }
  return [...forms];
}

/** Whether one token of a text is one of the forms of `word`. */
export function wordMatches(word: NormalizedWord, forms: ReadonlySet<string>, variants: readonly string[]): boolean {
  return variants.some((v) => (word.prefix ? v.startsWith(word.stem) : forms.has(v)));
}
