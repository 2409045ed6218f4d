import { collapseRepeats, normalizeEntry, normalizeText, tokenize, tokenVariants, wordForms } from './word-normalizer.js';

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
      expect(tokenVariants(normalizeText('идιοт'))).toContain('идиот');
    });

    it('should collapse repeats after folding', () => {
      expect(tokenVariants('идиoоoт')).toContain('идиот');
    });
  });

  describe('normalizeText: look-alike letters', () => {
    it('should read small capitals, IPA and dotless letters as plain ones', () => {
      // Upper case marks a neutral look-alike: it takes the script of the word it is in.
      expect(normalizeText('ɪᴅɪᴏᴛ')).toBe('IDIOT');
      expect(normalizeText('ɑdmɩn ıdıot ȷoke ɡo')).toBe('AdmIn IdIot Joke Go');
      expect(tokenVariants(normalizeText('ɪᴅɪᴏᴛ'))).toContain('idiot');
      expect(tokenVariants(normalizeText('ᴍᴀᴍᴋᴀ'))).toEqual(['мамка', 'mamka']);
      expect(tokenVariants(normalizeText('ᴎдᴎᴏᴛ'))).toContain('идиот'); // small capitals of и, о, т
    });

    it('should read letters of other scripts through their TR39 prototype', () => {
      expect(tokenVariants(normalizeText('հօt'))).toEqual(['hot']); // Armenian
      expect(tokenVariants(normalizeText('ꭺdmin'))).toEqual(['admin']); // Cherokee
    });

    it('should leave Bulgarian text as it is', () => {
      expect(normalizeText('Държавният глава написа това в Telegram.')).toBe('държавният глава написа това в telegram.');
    });
  });

  describe('tokenize', () => {
    it('should split on anything but letters and digits', () => {
      expect(tokenize('Ти си идиот, нали?!').words).toEqual(['ти', 'си', 'идиот', 'нали']);
    });

    it('should also try spaced-out single letters joined, three or more', () => {
      expect(tokenize('и д и о т').joined).toContain('идиот');
      expect(tokenize('И.Д.И.О.Т!').joined).toContain('идиот');
      expect(tokenize('и - д - и - о - т').joined).toContain('идиот');
      expect(tokenize('а и в').joined).toContain('аив');
      expect(tokenize('и в').joined).not.toContain('ив');
      expect(tokenize('Мнение 7: и д и о т').joined).toContain('идиот');
    });

    it('should join chunks split by punctuation without spaces, but not words split by spaces', () => {
      expect(tokenize('ид-иот').joined).toContain('идиот');
      expect(tokenize('иди*от').joined).toContain('идиот');
      expect(tokenize('па ра').joined).toEqual([]);
      expect(tokenize('Зеленски, Япония').joined).toEqual([]);
    });

    it('should give a stream of words with whole chains of split letters joined', () => {
      expect(tokenize('м-а-м-к-а ти').stream).toEqual(['мамка', 'ти']);
      expect(tokenize('и в с').stream).toEqual(['ивс']);
      expect(tokenize('и в').stream).toEqual(['и', 'в']);
    });

    it('should stay linear on a long run of single letters', () => {
      const started = Date.now();
      const t = tokenize('a '.repeat(5000));
      expect(t.joined.every((j) => j.length <= 30)).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000); // quadratic joining would take minutes
    });
  });

  describe('normalizeEntry', () => {
    it('should canonicalise an entry like a text token', () => {
      expect(normalizeEntry(' ИДИОТ ')).toEqual({ normalized: 'идиот', words: [{ stem: 'идиот', prefix: false, cyrillic: true }] });
      expect(normalizeEntry('идиoт')?.normalized).toBe('идиот');
      expect(normalizeEntry('idiоt')?.normalized).toBe('idiot');
      expect(normalizeEntry('Idiooot')?.normalized).toBe('idiot');
      expect(normalizeEntry('ɪᴅɪᴏᴛ')?.normalized).toBe('idiot');
    });

    it('should mark a trailing * as a prefix of the last word', () => {
      expect(normalizeEntry('идиот*')).toEqual({ normalized: 'идиот*', words: [{ stem: 'идиот', prefix: true, cyrillic: true }] });
      expect(normalizeEntry('мръсен идиот*')?.normalized).toBe('мръсен идиот*');
    });

    it('should accept phrases of up to five words', () => {
      expect(normalizeEntry('Мамка  ти')?.normalized).toBe('мамка ти');
      expect(normalizeEntry('да ти еба майката')?.words).toHaveLength(4);
      expect(normalizeEntry('едно две три четири пет шест')).toBeNull();
    });

    it('should refuse punctuation-only and empty entries, and * anywhere but at the end', () => {
      expect(normalizeEntry('!!!')).toBeNull();
      expect(normalizeEntry('')).toBeNull();
      expect(normalizeEntry('\u200b')).toBeNull();
      expect(normalizeEntry('*')).toBeNull();
      expect(normalizeEntry('ид*от')).toBeNull();
    });
  });

  describe('wordForms', () => {
    it('should add Bulgarian inflections to a Cyrillic word, English ones to a Latin word', () => {
      expect(wordForms({ stem: 'идиот', prefix: false, cyrillic: true })).toEqual(
        expect.arrayContaining(['идиот', 'идиотът', 'идиоти', 'идиотите', 'идиотски']),
      );
      expect(wordForms({ stem: 'курва', prefix: false, cyrillic: true })).toEqual(expect.arrayContaining(['курви', 'курвите']));
      expect(wordForms({ stem: 'idiot', prefix: false, cyrillic: false })).toEqual(expect.arrayContaining(['idiots', 'idiotic']));
      expect(wordForms({ stem: 'ти', prefix: false, cyrillic: true })).toEqual(['ти']);
    });
  });
});
