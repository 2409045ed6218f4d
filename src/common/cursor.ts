/** Keyset cursor: (timestamp, id) of the last item on a page, opaque to clients (base64url JSON). */
export interface Keyset {
  t: string;
  id: string;
}

/** `t` is a Date or its ISO form (`YYYY-MM-DDTHH:MM:SS.mmmZ`, as the prepared read statements return it). */
export function encodeCursor(t: Date | string, id: string): string {
  return Buffer.from(JSON.stringify({ t: typeof t === 'string' ? t : t.toISOString(), id } satisfies Keyset)).toString('base64url');
}
