/**
 * Keyset cursor: (timestamp, id) of the last item on a page, opaque to clients (base64url JSON); orders by a score
 * first (comments by reactions or replies) also carry the item's score `s` as it was when the page was read.
 */
export interface Keyset {
  t: string;
  id: string;
  s?: number;
}

/** `t` is a Date or its ISO form (`YYYY-MM-DDTHH:MM:SS.mmmZ`, as the prepared read statements return it). */
export function encodeCursor(t: Date | string, id: string, s?: number): string {
  const key: Keyset = { t: typeof t === 'string' ? t : t.toISOString(), id };
  if (s !== undefined) key.s = s;
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}
