/** Text for HTML: every character that could open markup or close an attribute is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Headers of the service's HTML pages: a strict Content-Security-Policy (scripts and styles only from this origin,
 * no inline script, no eval; styles are adopted through the CSSOM, which CSP leaves alone), and no referrer.
 */
export function htmlHeaders(options: { frameAncestors: string; noIndex?: boolean }): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${options.frameAncestors}`,
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-content-type-options': 'nosniff',
    ...(options.noIndex ? { 'x-robots-tag': 'noindex, nofollow' } : {}),
  };
}
