/**
 * Comment text as text and links: the one rule for both renderings of a comment (the article page's server-side
 * HTML and the reader's widget, which imports this module; it is plain TypeScript with no Node or DOM use).
 * Only absolute http(s) addresses become links (the caller gives them rel="nofollow ugc noopener noreferrer");
 * `javascript:`, `data:` and every other scheme stay text. Trailing punctuation is not part of the address.
 */
export type TextPart = { text: string; href?: undefined } | { text: string; href: string };

const URL_LIKE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}»“”"'’]+$/;

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_LIKE)) {
    let candidate = match[0];
    const trail = TRAILING.exec(candidate)?.[0] ?? '';
    // Keep a closing parenthesis that closes one opened inside the address (Wikipedia-style links).
    const keep =
      trail.startsWith(')') && (candidate.match(/\(/g)?.length ?? 0) > (candidate.slice(0, -trail.length).match(/\)/g)?.length ?? 0);
    if (trail && !keep) candidate = candidate.slice(0, -trail.length);
    let href: string | undefined;
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
    } catch {
      href = undefined;
    }
    if (!href) continue;
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** The `rel` of every link in reader text: no endorsement, no referrer, no window.opener. */
export const UGC_REL = 'nofollow ugc noopener noreferrer';
