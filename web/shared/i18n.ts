// Small, generic formatting helpers shared by the pages (the reader's widget, the console): plural forms from
// Intl.PluralRules, dates from Intl. No strings live here: each page keeps its own locale files.

/** Forms by CLDR plural category; `other` is required, the rest fall back to it. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const rules = new Map<string, Intl.PluralRules>();

/** `{n}` in the form CLDR picks for `n` in `locale` (bg: one/other; en: one/other; others as CLDR says). */
export function plural(locale: string, n: number, forms: PluralForms): string {
  let r = rules.get(locale);
  if (!r) rules.set(locale, (r = new Intl.PluralRules(locale)));
  return (forms[r.select(n)] ?? forms.other).replace('{n}', String(n));
}

/** `{name}` placeholders filled from `values`; unknown ones stay as they are. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

// Intl formatters cost a millisecond or more to build: one per locale and style, made on first use.
const formatters = new Map<string, Intl.RelativeTimeFormat | Intl.DateTimeFormat>();
function formatter<F extends Intl.RelativeTimeFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) formatters.set(key, (f = make()));
  return f;
}

/** "преди 5 минути" / "5 minutes ago"; under a minute: `justNow`. */
export function relativeTime(locale: string, iso: string, justNow: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return formatter(`r ${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(
        Math.round(seconds / size),
        unit,
      );
    }
  }
  return justNow;
}

/** A full date and time for titles and statements ("28.11.2026 г., 09:12"). */
export function dateTime(locale: string, iso: string): string {
  return formatter(`dt ${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })).format(
    new Date(iso),
  );
}

/** A date only ("28.11.2026 г."). */
export function date(locale: string, iso: string): string {
  return formatter(`d ${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'long' })).format(new Date(iso));
}
