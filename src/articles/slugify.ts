import { MAX_SLUG_LENGTH } from '../common/validation/slug.js';

/**
 * Slugs from titles with the official Bulgarian transliteration (Streamlined System, Transliteration Act 2009):
 * ъ→a, й→y, щ→sht, ц→ts, ж→zh, х→h, ю→yu, я→ya, ь→y, and "ия" at the end of a word → "ia".
 * "България" → "Bulgaria" (the Act's exception). Latin letters pass through; anything else becomes a hyphen.
 */
const BG: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sht',
  ъ: 'a',
  ь: 'y',
  ю: 'yu',
  я: 'ya',
};

export function transliterateBg(text: string): string {
  return (
    text
      .toLowerCase()
      // The Act's one named exception: the country's name is transliterated "Bulgaria".
      .replace(/(?<![\p{L}\p{N}])българия(?![\p{L}\p{N}])/gu, 'bulgaria')
      .replace(/ия(?![\p{L}\p{N}])/gu, 'ia')
      .replace(/[\u0400-\u04ff]/g, (ch) => BG[ch] ?? '')
  );
}

export function slugify(title: string): string {
  const slug = transliterateBg(title.normalize('NFC'))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
}
