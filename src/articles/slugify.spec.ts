import { readFileSync } from 'node:fs';
import { slugify } from './slugify.js';

const seed = JSON.parse(readFileSync(new URL('../../prisma/seed/article.json', import.meta.url), 'utf8')) as {
  title: string;
  slug: string;
};

describe('slugify (Bulgarian Streamlined System)', () => {
  it("should turn the seed article's title into its published slug", () => {
    expect(slugify(seed.title)).toBe(seed.slug);
  });

  it.each([
    ['България', 'bulgaria'],
    ['Щастие и ютия', 'shtastie-i-yutia'],
    ['Цар Борис III', 'tsar-boris-iii'],
    ['Жълт хляб', 'zhalt-hlyab'],
    ['Историята', 'istoriyata'],
    ['  Нов ден — ново начало!  ', 'nov-den-novo-nachalo'],
  ])('should turn %s into %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });
});
