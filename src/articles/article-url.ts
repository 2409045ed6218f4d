/**
 * Canonical article URLs: the news site's address of an article, as the widget names it. Two readers arriving
 * from a newsletter (`?utm_source=…`) and from Facebook (`?fbclid=…`) read the same article, so the parameters that
 * only say where a reader came from are dropped, with the fragment; host and scheme are lower case and default ports
 * go (the URL parser does that). The rest of the query stays: some sites name articles by it (`?id=1234`).
 */
const TRACKING =
  /^(utm_[a-z_]+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|li_fat_id|mc_cid|mc_eid|igshid|_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|ref_src|ocid)$/i;

export const MAX_ARTICLE_URL_LENGTH = 2048;

/** The canonical form of an http(s) URL, or undefined for anything else (other schemes, credentials, too long). */
export function normalizeArticleUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return undefined;
  url.hash = '';
  for (const key of [...url.searchParams.keys()]) if (TRACKING.test(key)) url.searchParams.delete(key);
  url.search = url.searchParams.size ? url.searchParams.toString() : '';
  const canonical = url.toString();
  return canonical.length <= MAX_ARTICLE_URL_LENGTH ? canonical : undefined;
}
