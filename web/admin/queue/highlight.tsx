/**
 * The comment's text with the word filter's matches marked (<mark>): text nodes only, never markup from the comment.
 * Entries as the admin typed them: a word, a phrase, or a prefix ending in `*`.
 */
export function Highlighted(props: { text: string; words: readonly string[] }) {
  const pattern = matcher(props.words);
  if (!pattern) return <>{props.text}</>;
  const parts: (string | { mark: string })[] = [];
  let last = 0;
  for (const m of props.text.matchAll(pattern)) {
    if (m.index > last) parts.push(props.text.slice(last, m.index));
    parts.push({ mark: m[0] });
    last = m.index + m[0].length;
  }
  parts.push(props.text.slice(last));
  return <>{parts.map((p, i) => (typeof p === 'string' ? p : <mark key={i}>{p.mark}</mark>))}</>;
}

function matcher(words: readonly string[]): RegExp | null {
  const alternatives = words
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) => {
      const prefix = w.endsWith('*');
      const body = (prefix ? w.slice(0, -1) : w)
        .split(/\s+/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('\\s+');
      return prefix ? `${body}[\\p{L}\\p{N}]*` : body;
    });
  if (!alternatives.length) return null;
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}
