import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { WordMatcher } from './word-matcher.js';

/** Common Bulgarian insults and obscenities (words and phrases), as a newsroom would list them. */
const BULGARIAN_INSULTS = [
  'идиот',
  'кретен',
  'дебил',
  'глупак',
  'тъпак',
  'тъпанар',
  'простак',
  'малоумник',
  'олигофрен',
  'даун',
  'боклук',
  'отрепка',
  'изрод',
  'мръсник',
  'копеле',
  'курва',
  'кучка',
  'путка',
  'педераст',
  'педал',
  'хуй',
  'лайно',
  'лайнар',
  'гъз',
  'шибан',
  'шибаняк',
  'смотаняк',
  'нещастник',
  'некадърник',
  'говедо',
  'скот',
  'мизерник',
  'паплач',
  'гадина',
  'дръвник',
  'мърша',
  'загубеняк',
  'келеш',
  'мангал',
  'еба*',
  'мамка ти',
  'майка ти да еба',
  'кучи син',
  'тъпа крава',
  'да ти еба майката',
  'idiot',
  'moron',
  'fuck*',
];

const banned = (words: readonly string[]) => new WordMatcher(words.map((word) => ({ word, kind: 'banned' as const })));
const insults = banned(BULGARIAN_INSULTS);
const caught = (matcher: WordMatcher, text: string) => matcher.check(text).verdict !== 'clean';

// Look-alike letters a writer can swap in (Cyrillic letter → look-alike).
const SMALL_CAPITALS = new Map(
  Object.entries({
    а: 'ᴀ',
    в: 'ʙ',
    е: 'ᴇ',
    и: 'ᴎ',
    к: 'ᴋ',
    м: 'ᴍ',
    н: 'ʜ',
    о: 'ᴏ',
    п: 'ᴨ',
    р: 'ᴩ',
    т: 'ᴛ',
    г: 'ᴦ',
    л: 'ᴫ',
    я: 'ᴙ',
    с: 'ᴄ',
    у: 'ʏ',
  }),
);
const IPA = new Map(Object.entries({ а: 'ɑ', е: 'ɛ', и: 'ɩ', о: 'ɵ', р: 'ρ', к: 'κ', т: 'τ' }));
const LATIN = new Map(Object.entries({ а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x' }));
const LATIN_CAPS_IPA = new Map(
  Object.entries({ a: 'ɑ', d: 'ᴅ', e: 'ᴇ', g: 'ɡ', i: 'ɪ', j: 'ȷ', m: 'ᴍ', n: 'ɴ', o: 'ᴏ', r: 'ʀ', t: 'ᴛ', u: 'ᴜ' }),
);
const DOTLESS = new Map(Object.entries({ i: 'ı', j: 'ȷ' }));
const CYRILLIC_FOR_LATIN = new Map(Object.entries({ a: 'а', c: 'с', e: 'е', i: 'і', o: 'о', p: 'р', x: 'х', y: 'у' }));

const swap = (word: string, table: Map<string, string>) => [...word].map((c) => table.get(c) ?? c).join('');
const letters = (word: string) => [...word];

/** Many spellings of one word: separators, look-alikes, invisible characters, repeats, case, inflection. */
function disguises(word: string): [string, string][] {
  const l = letters(word);
  const mid = Math.floor(l.length / 2);
  const cyrillic = /\p{Script=Cyrillic}/u.test(word);
  const forms: [string, string][] = [
    ['as is', word],
    ['upper case', word.toUpperCase()],
    ['capitalised', word[0].toUpperCase() + word.slice(1)],
    ['spaced letters', l.join(' ')],
    ['dotted letters', l.join('.')],
    ['hyphenated letters', l.join('-')],
    ['underscored letters', l.join('_')],
    ['letters split by " - "', l.join(' - ')],
    ['letters split by ". "', l.join('. ')],
    [
      'letters split by mixed separators',
      l
        .map((c, i) => c + ['.', '-', ' ', '_', '*'][i % 5])
        .join('')
        .slice(0, -1),
    ],
    ['split by a hyphen', `${l.slice(0, mid).join('')}-${l.slice(mid).join('')}`],
    ['split by a dot', `${l.slice(0, mid).join('')}.${l.slice(mid).join('')}`],
    ['split by an asterisk', `${l.slice(0, mid).join('')}*${l.slice(mid).join('')}`],
    ['doubled letters', l.map((c) => c + c).join('')],
    ['zero-width spaces', l.join('\u200b')],
    ['soft hyphens', l.join('\u00ad')],
    ['a combining accent', `${l[0]}\u0301${l.slice(1).join('')}`],
    ['combining strokes', l.map((c) => `${c}\u0336`).join('')],
    ['spaced and upper case', l.join(' ').toUpperCase()],
  ];
  if (cyrillic) {
    forms.push(
      ['one Latin look-alike', word.replace(/[оеа]/u, (c) => LATIN.get(c)!)],
      ['small capitals', swap(word, SMALL_CAPITALS)],
      ['IPA and Greek letters', swap(word, IPA)],
      ['a zero for о', word.replace(/о/gu, '0')],
      ['spaced, with the plural article', letters(`${word.replace(/[ая]$/u, '')}ите`).join(' ')],
    );
  } else {
    forms.push(
      ['small capitals and IPA letters', swap(word, LATIN_CAPS_IPA)],
      ['dotless letters', swap(word, DOTLESS)],
      ['Cyrillic look-alikes', swap(word, CYRILLIC_FOR_LATIN)],
      ['full-width letters', l.map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('')],
      ['mathematical bold letters', l.map((c) => String.fromCodePoint(0x1d41a + c.codePointAt(0)! - 0x61)).join('')],
      ['digits for letters', word.replace(/i/g, '1').replace(/o/g, '0')],
      ['a plural', `${word}s`],
    );
  }
  return forms;
}

describe('WordMatcher', () => {
  describe.each(['идиот', 'кретен', 'курва', 'боклук', 'шибаняк', 'idiot', 'moron'])('the entry "%s"', (word) => {
    const matcher = banned([word]);
    it.each(disguises(word))('should catch it with %s: %s', (_how, form) => {
      expect(matcher.check(`Ти си ${form} и толкова.`)).toEqual({ verdict: 'banned', matched: [word] });
    });
  });

  describe('phrases', () => {
    const matcher = banned(['мамка ти', 'кучи син']);
    it.each([
      'мамка ти',
      'Мамка ти!',
      'МАМКАТА ТИ',
      'мамка   ти',
      'мамка, ти',
      'м-а-м-к-а ти',
      'м а м к а т и', // a chain of single letters: joined, and a phrase's words in a row as joined letters
      'мaмкa ти', // Latin a
      'ᴍᴀᴍᴋᴀ ти',
      'кучи синове',
      'к у ч и син',
    ])('should catch "%s"', (text) => {
      expect(caught(matcher, `Аз казвам: ${text}.`)).toBe(true);
    });

    it.each(['мамка', 'ти и мамка', 'на мамка си', 'син кучи'])('should not catch "%s": the words must come in a row', (text) => {
      expect(caught(matcher, text)).toBe(false);
    });
  });

  describe('no false positives', () => {
    it('should pass every word, paragraph and the whole of the seed article with common Bulgarian insults listed', () => {
      const article = readFileSync(new URL('../../prisma/seed/article.txt', import.meta.url), 'utf8');
      const words = article.split(/\s+/u).filter(Boolean);
      expect(words.length).toBeGreaterThan(300);
      expect(words.filter((w) => caught(insults, w))).toEqual([]);
      expect(article.split('\n').filter((p) => caught(insults, p))).toEqual([]);
      expect(insults.check(article)).toEqual({ verdict: 'clean' });
    });

    it.each([
      'Куриерът пристигна в курорта.', // кур…
      'Това е добра статия за идеите на автора.',
      'Класата на отбора е ясна.',
      'Дебелото въже и дебатите по бюджета.', // деб…
      'Гъзарски? Не, гъвкав и гъст.',
      'Говедарят и скотовъдите от Пазарджик.',
      'on top of the hop, the cop said so', // English words are not read as Cyrillic (тор, нор, сор)
      'Партия „Възраждане“ и ПП-ДБ, 2024-2025 г., с. 12 и т.н.',
      'Министър-председателят и по-широкият кръг от дронове-прехващачи.',
    ])('should not flag "%s"', (text) => {
      expect(insults.check(text)).toEqual({ verdict: 'clean' });
    });

    it('should flag a homograph of a listed word: the price of listing it (decide per word: banned or suspect)', () => {
      expect(insults.check('Мангалът за барбекю')).toEqual({ verdict: 'banned', matched: ['мангал'] });
    });
  });

  describe('verdicts', () => {
    const matcher = new WordMatcher([
      { word: 'идиот', kind: 'banned' },
      { word: 'глупак', kind: 'suspect' },
      { word: 'кретен*', kind: 'suspect' },
    ]);

    it('should report banned over suspect and list every matched entry as typed', () => {
      expect(matcher.check('глупак и идиот')).toEqual({ verdict: 'banned', matched: ['идиот'] });
      expect(matcher.check('глупак и кретенизъм')).toEqual({ verdict: 'suspect', matched: ['глупак', 'кретен*'] });
      expect(matcher.check('добър ден')).toEqual({ verdict: 'clean' });
    });

    it('should match whole words only, a prefix entry any continuation', () => {
      expect(caught(matcher, 'суперидиот')).toBe(false);
      expect(caught(matcher, 'кретенизмите')).toBe(true);
      expect(caught(banned(['кур']), 'куриер курорт')).toBe(false);
    });

    it('should match any entry against itself, however it is cased (property)', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[а-яa-z]{2,12}( [а-яa-z]{2,12}){0,2}$/), (entry) =>
          caught(banned([entry]), ` ${entry.toUpperCase()} `),
        ),
      );
    });
  });
});
