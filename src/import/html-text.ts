import { normalizeCommentText } from '../comment-core/comment-text.js';

/**
 * Comment HTML (Disqus messages, WordPress comment content) to the plain text this service stores: paragraphs and
 * line breaks become newlines, links keep their address (`text (https://…)`, or the address alone when the text is
 * the address), images their alt text, every other tag is dropped and entities are decoded. Newlines in the source
 * stay (WordPress stores paragraphs as blank lines). Never interprets markup as anything but text.
 */

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  laquo: '«',
  raquo: '»',
  bdquo: '„',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  deg: '°',
  times: '×',
  shy: '',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
};

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
const BLOCK_END = /^<\/(p|div|blockquote|ul|ol|h[1-6]|pre|tr|table)\b/i;
const BLOCK_START = /^<(p|div|blockquote|ul|ol|h[1-6]|pre|table)\b/i;

export function htmlToText(html: string): string {
  let out = '';
  // A link's text is collected so its address can follow it.
  let link: { href?: string; text: string } | undefined;
  const emit = (s: string) => {
    if (link) link.text += s;
    else out += s;
  };
  const re = /<!--[\s\S]*?-->|<\/?[a-zA-Z][^>]*>|[^<]+|</g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const token = m[0];
    if (token.startsWith('<!--')) continue;
    if (token === '<' || !token.startsWith('<')) {
      emit(decodeEntities(token));
      continue;
    }
    if (/^<br\b/i.test(token)) emit('\n');
    else if (/^<li\b/i.test(token)) emit('\n- ');
    else if (BLOCK_START.test(token) || BLOCK_END.test(token)) emit('\n\n');
    else if (/^<img\b/i.test(token)) emit(attr(token, 'alt') ?? '');
    else if (/^<a\b/i.test(token)) {
      if (link) out += link.text;
      const href = attr(token, 'href');
      link = { href: href && SAFE_HREF.test(href.trim()) ? href.trim() : undefined, text: '' };
    } else if (/^<\/a\b/i.test(token) && link) {
      out += withAddress(link.text, link.href);
      link = undefined;
    }
  }
  if (link) out += withAddress(link.text, link.href);
  return normalizeCommentText(out.replace(/[ \t\u00a0]+\n/g, '\n').replace(/\n{3,}/g, '\n\n'));
}

function withAddress(text: string, href: string | undefined): string {
  const shown = text.trim();
  if (!href) return text;
  const bare = (s: string) => s.replace(/^(https?:\/\/|mailto:)/i, '').replace(/\/$/, '');
  // Disqus shortens long addresses shown as link text ("https://example.com/a/lo…").
  const shortened = /^(https?:\/\/|www\.)/i.test(shown) && bare(href).startsWith(bare(shown).replace(/(…|\.\.\.)$/, ''));
  if (!shown || bare(shown) === bare(href) || shortened) return href;
  return `${text} (${href})`;
}
