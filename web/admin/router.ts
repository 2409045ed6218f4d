import { useEffect, useState } from 'preact/hooks';

/** The console's pages live under /admin; the server answers every /admin/* path with the same page. */
export const BASE = '/admin';

export function navigate(path: string, replace = false): void {
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The current path and query, following pushState and the back button. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const read = () => ({ path: location.pathname.replace(/\/+$/, '') || BASE, search: new URLSearchParams(location.search) });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const update = () => setLoc(read());
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return loc;
}

/** `/admin/queue?x=1` with the given query parameters changed (undefined or '' removes one). */
export function withQuery(path: string, search: URLSearchParams, changes: Record<string, string | undefined>): string {
  const next = new URLSearchParams(search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') next.delete(k);
    else next.set(k, v);
  }
  const q = next.toString();
  return q ? `${path}?${q}` : path;
}
