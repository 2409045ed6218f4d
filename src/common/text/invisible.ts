/**
 * Characters that show nothing: format controls (zero-width spaces and joiners, bidi marks, soft hyphen, BOM, tag
 * characters), the other default-ignorable code points (Hangul fillers, variation selectors, the combining grapheme
 * joiner) and the blank braille pattern. They let two strings that look the same differ, so the word filter drops
 * them from text and identifiers refuse them.
 */
const INVISIBLE = '\\p{Cf}\\p{Default_Ignorable_Code_Point}\\u2800';

/** Every invisible character (global: for replace). */
export const INVISIBLE_CHARACTERS = new RegExp(`[${INVISIBLE}]`, 'gu');

/**
 * Invisible characters, controls, and the spaces that are not the ASCII space (no-break, em, ideographic, line and
 * paragraph separators…): they pass for something else in a username or an email.
 */
const NOT_IN_IDENTIFIERS = new RegExp(`[${INVISIBLE}\\p{Cc}\\p{Zl}\\p{Zp}\\u00A0\\u1680\\u2000-\\u200A\\u202F\\u205F\\u3000]`, 'u');

export function hasInvisibleCharacters(value: string): boolean {
  return NOT_IN_IDENTIFIERS.test(value);
}
