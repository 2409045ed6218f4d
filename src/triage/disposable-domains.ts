import { readFileSync } from 'node:fs';

/**
 * The shipped list of disposable (throwaway) e-mail domains the e-mail domain rule knows out of the box: the most
 * common services. DISPOSABLE_EMAIL_DOMAINS_FILE replaces it with a file of the newsroom's own (one domain a line,
 * `#` comments), e.g. a copy of a maintained list such as github.com/disposable-email-domains; the admin API's
 * `emailDomains.blocked` and `emailDomains.allowed` add to and take from whichever list is in use.
 */
export const SHIPPED_DISPOSABLE_DOMAINS: readonly string[] = [
  '10minutemail.com',
  '20minutemail.com',
  'anonbox.net',
  'burnermail.io',
  'discard.email',
  'dispostable.com',
  'dropmail.me',
  'emailondeck.com',
  'fakeinbox.com',
  'fakemail.net',
  'getairmail.com',
  'getnada.com',
  'guerrillamail.biz',
  'guerrillamail.com',
  'guerrillamail.de',
  'guerrillamail.info',
  'guerrillamail.net',
  'guerrillamail.org',
  'guerrillamailblock.com',
  'harakirimail.com',
  'inboxbear.com',
  'incognitomail.org',
  'jetable.org',
  'mail-temp.com',
  'mailcatch.com',
  'maildrop.cc',
  'mailinator.com',
  'mailinator.net',
  'mailnesia.com',
  'mailpoof.com',
  'mintemail.com',
  'moakt.com',
  'mohmal.com',
  'mytemp.email',
  'nada.email',
  'sharklasers.com',
  'spam4.me',
  'spamgourmet.com',
  'temp-mail.io',
  'temp-mail.org',
  'tempail.com',
  'tempinbox.com',
  'tempmail.dev',
  'tempmail.net',
  'tempmailo.com',
  'tempr.email',
  'throwawaymail.com',
  'tmail.ws',
  'tmpmail.net',
  'tmpmail.org',
  'trashmail.com',
  'trashmail.de',
  'trashmail.net',
  'yopmail.com',
  'yopmail.fr',
  'yopmail.net',
];

/** The list in use: the file's domains (lower-cased, one a line, `#` comments), or the shipped list. */
export function loadDisposableDomains(file: string | undefined): Set<string> {
  if (!file) return new Set(SHIPPED_DISPOSABLE_DOMAINS);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  return new Set(lines.map((l) => l.replace(/#.*$/, '').trim().toLowerCase()).filter(Boolean));
}

/** Whether `domain` or one of its parent domains is in `list`. */
export function inDomainList(domain: string, list: ReadonlySet<string> | readonly string[]): boolean {
  const has = (d: string) => (list instanceof Set ? list.has(d) : (list as readonly string[]).includes(d));
  const labels = domain.toLowerCase().split('.');
  for (let i = 0; i < labels.length - 1; i++) if (has(labels.slice(i).join('.'))) return true;
  return false;
}
