import { escapeHtml } from './mail-templates.js';

/** The paths that take form bodies (the links in mails: RFC 8058 one-click POST, the confirmation page's button). */
export const MAIL_FORM_PATHS = ['/api/email/unsubscribe', '/api/email/confirm'] as const;

/** The one path a mail program's one-click POST reaches, which RFC 8058 lets send multipart/form-data. */
export const MAIL_MULTIPART_PATHS = ['/api/email/unsubscribe'] as const;

/** A strict policy for the tiny pages below: no script at all, forms only to this origin, never framed. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
} as const;

const page = (title: string, body: string) =>
  `<!doctype html><html lang="bg"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<title>${escapeHtml(title)}</title><style>body{font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em;line-height:1.5}` +
  `button{font:inherit;padding:.5em 1em}</style></head><body>${body}</body></html>`;

/**
 * The page a GET of a mail link shows: a button that sends the POST. Nothing changes on a GET (mail scanners and
 * link previews fetch links), only when the person presses the button.
 */
export function unsubscribeFormPage(token: string): string {
  return page(
    'Отписване / Unsubscribe',
    `<h1>Отписване от известията</h1><p>Няма да получавате писма за отговори на ваши коментари.</p>` +
      `<p lang="en">You will no longer receive mails about replies to your comments.</p>` +
      `<form method="post" action="/api/email/unsubscribe?token=${escapeHtml(encodeURIComponent(token))}">` +
      `<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Отписване / Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(): string {
  return page(
    'Отписани / Unsubscribed',
    `<h1>Отписани сте</h1><p>Известията за отговори са изключени. Можете да ги включите отново в профила си.</p>` +
      `<p lang="en">Reply notifications are off. You can turn them on again in your account.</p>`,
  );
}

export function confirmFormPage(token: string): string {
  return page(
    'Потвърждаване на адреса / Confirm your address',
    `<h1>Потвърдете адреса си</h1><p lang="en">Confirm your address for e-mail notifications.</p>` +
      `<form method="post" action="/api/email/confirm"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
      `<button type="submit">Потвърждавам / Confirm</button></form>`,
  );
}

export function confirmedPage(email: string): string {
  return page(
    'Адресът е потвърден / Address confirmed',
    `<h1>Адресът е потвърден</h1><p>${escapeHtml(email)} ще получава известията, които сте избрали.</p>` +
      `<p lang="en">${escapeHtml(email)} will receive the notifications you chose.</p>`,
  );
}
