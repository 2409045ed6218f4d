// The reader's language: Bulgarian by default (the article's language), English on request.
import { ApiError } from '../shared/api';
import { dateTime, fill, plural, type PluralForms, relativeTime } from '../shared/i18n';
import { bg, type Messages } from './locales/bg';
import { en } from './locales/en';

export interface T {
  locale: string;
  m: Messages;
  plural(forms: PluralForms, n: number): string;
  fill(template: string, values: Record<string, string | number>): string;
  ago(iso: string): string;
  when(iso: string): string;
  /** A sentence for any failure: never a code, never blank. */
  error(err: unknown): string;
}

export function pickLanguage(...candidates: (string | null | undefined)[]): 'bg' | 'en' {
  for (const c of candidates) {
    const lang = c?.toLowerCase().slice(0, 2);
    if (lang === 'bg' || lang === 'en') return lang;
  }
  return 'bg';
}

export function translator(language: 'bg' | 'en'): T {
  const m = language === 'en' ? en : bg;
  const locale = language === 'en' ? 'en-GB' : 'bg-BG';
  return {
    locale,
    m,
    plural: (forms, n) => plural(locale, n, forms),
    fill,
    ago: (iso) => relativeTime(locale, iso, m.justNow),
    when: (iso) => dateTime(locale, iso),
    error(err) {
      if (!(err instanceof ApiError)) return m.error;
      const sentence = m.errors[err.code];
      if (!sentence) return m.error;
      if (err.code === 'VALIDATION_FAILED' && err.details.length) {
        const fields = err.details.map((d) => fill(m.fieldError, { field: m.fields[d.field ?? ''] ?? d.field ?? '', message: d.message }));
        return `${sentence} ${fields.join('; ')}`;
      }
      return fill(sentence, { seconds: err.retryAfter ?? 60 });
    },
  };
}
