// Strings from locale files, `{name}` placeholders, and plural forms chosen by Intl.PluralRules (Bulgarian and
// English have `one` and `other`; other languages more: a message lists the forms its language uses).

export type Message = string | Partial<Record<Intl.LDMLPluralRule, string>>;
export type Messages = Record<string, Message>;

export interface I18n {
  readonly locale: string;
  /** The message `key` with `vars` filled in; `count` picks the plural form. Unknown keys show as themselves. */
  t(key: string, vars?: Record<string, string | number>): string;
}

export function createI18n(locale: string, messages: Messages, fallback?: Messages): I18n {
  const plural = new Intl.PluralRules(locale);
  const number = new Intl.NumberFormat(locale);
  return {
    locale,
    t(key, vars) {
      const m = messages[key] ?? fallback?.[key] ?? key;
      const text = typeof m === 'string' ? m : (m[plural.select(Number(vars?.count ?? 0))] ?? m.other ?? key);
      return vars
        ? text.replace(/\{(\w+)\}/g, (whole, name: string) => {
            const v = vars[name];
            return v === undefined ? whole : typeof v === 'number' ? number.format(v) : v;
          })
        : text;
    },
  };
}

/** The language to show: a saved choice, then the browser's, among those offered (the first is the default). */
export function pickLocale(offered: readonly string[], saved?: string | null): string {
  if (saved && offered.includes(saved)) return saved;
  for (const lang of navigator.languages ?? [navigator.language]) {
    const base = lang.toLowerCase().split('-')[0];
    if (offered.includes(base)) return base;
  }
  return offered[0];
}
