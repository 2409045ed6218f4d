import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import { excerpt, escapeHtml, replyMail } from './mail-templates.js';
import { MailTokens } from './mail-tokens.js';

const config = (secret: string) => ({ get: () => secret }) as unknown as AppConfig;
const tokens = new MailTokens(config('a-test-secret-of-at-least-thirty-two-characters'));

describe('mail tokens', () => {
  it('should name the account an unsubscribe token was signed for, and nothing for an altered or foreign one', () => {
    const id = randomUUID();
    const token = tokens.unsubscribeToken(id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{24}$/);
    expect(tokens.unsubscribeUser(token)).toBe(id);
    const [who, mac] = token.split('.') as [string, string];
    const other = tokens.unsubscribeToken(randomUUID()).split('.')[0]!;
    expect(tokens.unsubscribeUser(`${other}.${mac}`)).toBeNull();
    const altered = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    expect(tokens.unsubscribeUser(`${who}.${altered}`)).toBeNull();
    expect(tokens.unsubscribeUser(`${who}.${mac}.x`)).toBeNull();
    expect(tokens.unsubscribeUser('garbage')).toBeNull();
    expect(new MailTokens(config('another-secret-of-at-least-thirty-two-chars')).unsubscribeUser(token)).toBeNull();
  });

  it('should derive a confirmation token from the id that only its hash can be matched against', () => {
    const id = randomUUID();
    const token = tokens.confirmationToken(id);
    expect(token).toBe(tokens.confirmationToken(id));
    expect(token).not.toBe(tokens.confirmationToken(randomUUID()));
    expect(MailTokens.hash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(MailTokens.hash(token)).not.toContain(token);
  });
});

describe('mail templates', () => {
  it("should escape a reader's markup in the HTML part and keep it as written in the plain part", () => {
    const mail = replyMail(
      'en',
      { articleTitle: 'A & B', replier: '<script>x</script>', excerpt: '"quoted" <b>bold</b>', link: 'https://example.bg/a?x=1&y=2#c-1' },
      'https://comments.example.bg/api/email/unsubscribe?token=t',
    );
    expect(mail.subject).toBe('New reply to your comment: A & B');
    expect(mail.text).toContain('<script>x</script> replied to your comment on “A & B”:');
    expect(mail.html).not.toMatch(/<script>|<b>bold/);
    expect(mail.html).toContain('&#60;script&#62;x&#60;/script&#62;');
    expect(mail.html).toContain('href="https://example.bg/a?x=1&#38;y=2#c-1"');
    expect(escapeHtml(`'"<>&`)).toBe('&#39;&#34;&#60;&#62;&#38;');
  });

  it('should cut a long comment to one line of at most 280 characters', () => {
    expect(excerpt(`a\n\nb ${'x'.repeat(400)}`)).toHaveLength(280);
    expect(excerpt('  one\n two  ')).toBe('one two');
  });
});
