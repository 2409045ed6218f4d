import fc from 'fast-check';
import { collapseRepeats, entryForms, normalizeEntry, normalizeText, textForms, tokenize, tokenVariants } from './word-normalizer.js';

/** Does `text` contain a token matching the entry `word` (the filter's rule, without the cache)? */
function matches(text: string, word: string): boolean {
  const entry = normalizeEntry(word);
  if (!entry) throw new Error(`not a valid entry: ${word}`);
  const forms = textForms(text);
  if (entry.prefix) return [...forms].some((f) => f.startsWith(entry.stem));
  return entryForms(entry).some((f) => forms.has(f));
}

describe('word normaliser', () => {
  describe('normalizeText', () => {
    it('should lower-case Cyrillic and Latin', () => {
      expect(normalizeText('ИДИОТ Idiot')).toBe('идиот idiot');
    });

    it('should fold compatibility characters with NFKC', () => {
      expect(normalizeText('ｉｄｉｏｔ 𝐢𝐝𝐢𝐨𝐭 ﬁ')).toBe('idiot idiot fi');
    });

    it('should strip combining marks and accents', () => {
      expect(normalizeText('иди́от idiót ѝ ё')).toBe('идиот idiot и е');
      expect(normalizeText('и\u0336д\u0336и\u0336о\u0336т')).toBe('идиот');
    });

    it('should keep й whether it arrives precomposed or decomposed', () => {
      expect(normalizeText('мой')).toBe('мой');
      expect(normalizeText('мои\u0306')).toBe('мой');
      expect(normalizeText('мои\u0306\u0306')).toBe('мой');
    });

    it('should remove zero-width and other invisible characters', () => {
      expect(normalizeText('ид\u200bи\u200cо\u200dт\ufeff')).toBe('идиот');
      expect(normalizeText('ид\u00adиот ид\u2060иот ид\u3164иот')).toBe('идиот идиот идиот');
    });
  });

  describe('collapseRepeats', () => {
    it('should collapse runs of one character', () => {
      expect(collapseRepeats('идиооот')).toBe('идиот');
      expect(collapseRepeats('ааааа')).toBe('а');
      expect(collapseRepeats('')).toBe('');
    });
  });

  describe('tokenVariants (look-alikes)', () => {
    it('should fold Latin look-alikes into a token that contains Cyrillic', () => {
      expect(tokenVariants('идиoт')).toContain('идиот');
      expect(tokenVariants('иdиot')).toContain('иdиот');
      expect(tokenVariants('хуeв')).toContain('хуев');
    });

    it('should fold Cyrillic look-alikes into a mostly Latin token', () => {
      expect(tokenVariants('idiоt')).toContain('idiot');
    });

    it('should leave a pure Latin token in Latin, so English words do not turn into Bulgarian ones', () => {
      expect(tokenVariants('top')).toEqual(['top']);
      expect(tokenVariants('cop')).toEqual(['cop']);
      expect(tokenVariants('hop')).toEqual(['hop']);
    });

    it('should leave a pure Cyrillic token in Cyrillic', () => {
      expect(tokenVariants('тор')).toEqual(['тор']);
    });

    it('should read digits as look-alike letters of the token script', () => {
      expect(tokenVariants('иди0т')).toEqual(['идиот']);
      expect(tokenVariants('1d10t')).toEqual(['idiot']);
      expect(tokenVariants('2026')).toEqual(['2026']);
    });

    it('should read Greek look-alikes as letters of the token script', () => {
      expect(tokenVariants('идιοт')).toEqual(['идиот']);
    });

    it('should collapse repeats after folding', () => {
      expect(tokenVariants('идиoоoт')).toContain('идиот');
    });
  });

  describe('tokenize', () => {
    it('should split on anything but letters and digits', () => {
      expect(tokenize('Ти си идиот, нали?!')).toEqual(['ти', 'си', 'идиот', 'нали']);
    });

    it('should also try runs of spaced-out single letters joined', () => {
      expect(tokenize('и д и о т')).toContain('идиот');
      expect(tokenize('И.Д.И.О.Т!')).toContain('идиот');
      expect(tokenize('а и в')).toContain('аив');
      expect(tokenize('и в')).not.toContain('ив');
      expect(tokenize('Мнение 7: и д и о т')).toContain('идиот');
      expect(tokenize('7 и д и о т')).toContain('7идиот');
    });
  });

  describe('normalizeEntry', () => {
    it('should canonicalise an entry like a text token', () => {
      expect(normalizeEntry(' ИДИОТ ')).toMatchObject({ normalized: 'идиот', prefix: false, cyrillic: true });
      expect(normalizeEntry('идиoт')?.normalized).toBe('идиот');
      expect(normalizeEntry('idiоt')?.normalized).toBe('idiot');
      expect(normalizeEntry('Idiooot')?.normalized).toBe('idiot');
    });

    it('should mark a trailing * as a prefix entry', () => {
      expect(normalizeEntry('идиот*')).toMatchObject({ normalized: 'идиот*', stem: 'идиот', prefix: true });
    });

    it('should refuse phrases, punctuation-only and empty entries', () => {
      expect(normalizeEntry('две думи')).toBeNull();
      expect(normalizeEntry('!!!')).toBeNull();
      expect(normalizeEntry('')).toBeNull();
      expect(normalizeEntry('\u200b')).toBeNull();
      expect(normalizeEntry('*')).toBeNull();
    });
  });

  describe('matching', () => {
    it.each([
      ['идиот'],
      ['ИДИОТ'],
      ['Идиот'],
      ['идиoт'], // Latin o
      ['идиооот'],
      ['ИДИООООТ!!!'],
      ['иди0т'],
      ['ид\u200bиот'],
      ['и́диот'],
      ['и д и о т'],
    ])('should match "%s" against the entry "идиот"', (text) => {
      expect(matches(`Ти си ${text} и толкова.`, 'идиот')).toBe(true);
    });

    it.each([['идиотът'], ['идиота'], ['идиоти'], ['идиотите'], ['идиотски'], ['идиотщина'], ['ИДИОТИТЕ']])(
      'should match the Bulgarian inflected form "%s"',
      (text) => {
        expect(matches(text, 'идиот')).toBe(true);
      },
    );

    it('should match a feminine entry in its plural and articled forms', () => {
      expect(matches('курви', 'курва')).toBe(true);
      expect(matches('курвите', 'курва')).toBe(true);
      expect(matches('курвата', 'курва')).toBe(true);
    });

    it('should not match a short stem inside unrelated longer words', () => {
      expect(matches('куриер', 'кур')).toBe(false);
      expect(matches('курорт', 'кур')).toBe(false);
      expect(matches('кур', 'кур')).toBe(true);
    });

    it('should match any continuation of a prefix entry', () => {
      expect(matches('идиотизмите', 'идиот*')).toBe(true);
      expect(matches('идиотизмите', 'идиот')).toBe(false);
      expect(matches('иди', 'идиот*')).toBe(false);
    });

    it('should match whole words only, not substrings', () => {
      expect(matches('суперидиот', 'идиот')).toBe(false);
      expect(matches('класа', 'клас')).toBe(true);
    });

    it('should match English entries and their plurals, including Cyrillic look-alikes', () => {
      expect(matches('You IDIOTS', 'idiot')).toBe(true);
      expect(matches('you idiоt', 'idiot')).toBe(true); // Cyrillic о
      expect(matches('you 1d10t', 'idiot')).toBe(true);
      expect(matches('you ｉｄｉｏｔ', 'idiot')).toBe(true);
    });

    it('should not turn genuine English words into Bulgarian entries', () => {
      expect(matches('on top of the hop', 'тор')).toBe(false);
      expect(matches('the cop', 'сор')).toBe(false);
    });

    it('should not match innocent text', () => {
      expect(matches('Това е добра статия за идеите на автора.', 'идиот')).toBe(false);
    });

    it('should match a normalised entry against itself for any input (property)', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[а-яa-z]{2,12}$/), (word) => {
          const entry = normalizeEntry(word);
          return entry === null || matches(word.toUpperCase(), word);
        }),
      );
    });
  });
});
