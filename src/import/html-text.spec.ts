import { htmlToText } from './html-text.js';

describe(htmlToText.name, () => {
  it('should turn paragraphs and line breaks into newlines and decode entities', () => {
    expect(htmlToText('<p>Първи &amp; втори</p><p>ред<br/>нов ред&nbsp;</p>')).toBe('Първи & втори\n\nред\nнов ред');
    expect(htmlToText('&#1055;&#x440;&mdash;&unknown;')).toBe('Пр—&unknown;');
  });

  it('should keep a link as its text and address, or the address alone when the text is the address (shortened or not)', () => {
    expect(htmlToText('виж <a href="https://x.example/a">тук</a>.')).toBe('виж тук (https://x.example/a).');
    expect(htmlToText('<a href="https://x.example/a">https://x.example/a</a>')).toBe('https://x.example/a');
    expect(htmlToText('<a href="https://x.example/a/very/long/path">https://x.example/a/very/lo…</a>')).toBe(
      'https://x.example/a/very/long/path',
    );
  });

  it('should drop scripts of links that are not http(s) or mailto, and every other tag, keeping text as text', () => {
    expect(htmlToText('<a href="javascript:alert(1)">клик</a> <b>удебелен</b> <img src="x.png" alt="снимка">')).toBe(
      'клик удебелен снимка',
    );
    expect(htmlToText('a < b and <3')).toBe('a < b and <3');
    expect(htmlToText('<!-- comment -->текст')).toBe('текст');
  });

  it('should list items on their own lines and collapse long runs of blank lines', () => {
    expect(htmlToText('<ul><li>едно</li><li>две</li></ul>')).toBe('- едно\n- две');
    expect(htmlToText('a\n\n\n\n\nb')).toBe('a\n\nb');
  });
});
