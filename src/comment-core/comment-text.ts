import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** C0/C1 control characters except \t (U+0009) and \n (U+000A); \r is handled before stripping. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** UTF-16 halves without their partner: PostgreSQL cannot store them as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Something a reader can see: not whitespace and not an invisible format character (zero-width space, BOM...). */
const VISIBLE = /[^\s\p{Cf}]/u;

/**
 * Plain text as the API stores it: CRLF and lone CR become \n, control characters other than \n and \t are
 * dropped, lone surrogates become U+FFFD (what any UTF-8 encoder does), surrounding whitespace is trimmed.
 * Nothing else changes (no HTML escaping, no Unicode normalisation): clients render it as text.
 */
export function normalizeCommentText(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD').trim();
}

/** Length in Unicode code points, as PostgreSQL's char_length counts it (an emoji is 1, not 2 UTF-16 units). */
export function countCodePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Normalises a string field with `normalizeCommentText`; other types pass through for @IsString to reject. */
export const NormalizedText = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeCommentText(value) : value));

/**
 * 1..max code points of visible text (applied after `NormalizedText`). class-validator's @Length counts UTF-16
 * units minus some special cases, which disagrees with the database CHECK (char_length) on emoji.
 */
export function TextLength(max: number, validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'textLength',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && VISIBLE.test(value) && countCodePoints(value) <= max,
        defaultMessage: (args) =>
          typeof args?.value === 'string' && VISIBLE.test(args.value)
            ? `${args.property} must be at most ${max} characters (Unicode code points)`
            : `${args?.property ?? 'text'} must not be empty`,
      },
    },
    validationOptions,
  );
}
