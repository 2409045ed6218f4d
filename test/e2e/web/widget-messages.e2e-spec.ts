import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bg } from '../../../web/widget/locales/bg.js';
import { en } from '../../../web/widget/locales/en.js';

/**
 * "Every API error shown as a clear sentence, never a code or a blank": every error code of every operation the
 * widget calls (read from its source and the committed OpenAPI document) has a sentence in both languages, or is one
 * a reader cannot cause (the widget sends well-formed requests), which gets the general sentence. The two locale
 * files have the same keys.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const document = JSON.parse(readFileSync(join(root, 'openapi/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
};

/** Malformed requests, which the widget never builds: the general sentence is right for them. */
const GENERAL = new Set([
  'BAD_REQUEST',
  'INVALID_JSON',
  'INVALID_CURSOR',
  'INVALID_IDEMPOTENCY_KEY',
  'URI_TOO_LONG',
  'HEADERS_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_SLUG',
  'SLUG_TAKEN',
]);

function widgetOperations(): [method: string, path: string][] {
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name)) {
        for (const m of readFileSync(path, 'utf8').matchAll(/client\.(GET|POST|PUT|PATCH|DELETE)\('([^']+)'/g))
          out.push([m[1]!.toLowerCase(), m[2]!]);
      }
    }
  };
  walk(join(root, 'web/widget'));
  return out;
}

function codesOf(method: string, path: string): string[] {
  const operation = document.paths[path]?.[method];
  expect(operation, `${method} ${path} is in the document`).toBeDefined();
  const codes: string[] = [];
  for (const response of Object.values(operation!.responses)) {
    const schema = response.content?.['application/json']?.schema as
      { allOf?: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } }[] } | undefined;
    codes.push(...(schema?.allOf?.[1]?.properties?.error?.properties?.code?.enum ?? []));
  }
  return codes;
}

describe("the widget's messages", () => {
  it('should have a sentence in Bulgarian and English for every error a reader can meet', () => {
    const operations = widgetOperations();
    expect(operations.length).toBeGreaterThan(15);
    const codes = new Set(operations.flatMap(([method, path]) => codesOf(method, path)));
    const missing = [...codes].filter((c) => !GENERAL.has(c) && (!bg.errors[c] || !en.errors[c]));
    expect(missing).toEqual([]);
    expect(bg.error).toMatch(/\S/);
    expect(en.error).toMatch(/\S/);
  });

  it('should have the same keys in both languages, and no empty string', () => {
    const shape = (o: unknown, prefix = ''): string[] =>
      Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
        typeof v === 'string' ? [`${prefix}${k}`] : shape(v, `${prefix}${k}.`),
      );
    expect(shape(en).sort()).toEqual(shape(bg).sort());
    const empty = (o: unknown): boolean =>
      Object.values(o as Record<string, unknown>).some((v) => (typeof v === 'string' ? !v.trim() : empty(v)));
    expect(empty(bg) || empty(en)).toBe(false);
  });

  it('should use the plural forms Intl.PluralRules names for each language', () => {
    for (const [messages, locale] of [
      [bg, 'bg'],
      [en, 'en'],
    ] as const) {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const forms of [messages.count, messages.newComments, messages.moreReplies, messages.charactersLeft]) {
        for (const category of categories) expect(forms[category as 'one' | 'other'], `${locale} ${category}`).toMatch(/\{n\}/);
      }
    }
    const rules = new Intl.PluralRules('bg');
    expect(bg.count[rules.select(1) as 'one'].replace('{n}', '1')).toBe('1 коментар');
    expect(bg.count[rules.select(5) as 'other'].replace('{n}', '5')).toBe('5 коментара');
  });
});
