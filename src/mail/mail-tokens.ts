import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The tokens in mail links, signed with a key derived from JWT_SECRET (rotating it voids links already sent):
 * - unsubscribe: `<account id, base64url>.<HMAC>`, one per recipient, valid as long as the account exists, so the
 *   link of any earlier mail still works (RFC 8058 one-click, no sign-in);
 * - confirmation: the HMAC of the confirmation's id; the database keeps only its SHA-256 (`tokenHash`), and the
 *   outbox keeps only the id, so neither alone can reproduce a link.
 */
@Injectable()
export class MailTokens {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = createHmac('sha256', config.get('JWT_SECRET')).update('newsroom-comments mail tokens/v1').digest();
  }

  unsubscribeToken(userId: string): string {
    const id = Buffer.from(userId.replace(/-/g, ''), 'hex').toString('base64url');
    return `${id}.${this.mac(`unsubscribe:${userId}`)}`;
  }

  /** The account an unsubscribe token names, or null when it is not one this service signed. */
  unsubscribeUser(token: string): string | null {
    const [id, mac, extra] = token.split('.');
    if (!id || !mac || extra !== undefined || !/^[A-Za-z0-9_-]{22}$/.test(id)) return null;
    const hex = Buffer.from(id, 'base64url').toString('hex');
    const userId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    if (!UUID.test(userId)) return null;
    const expected = Buffer.from(this.mac(`unsubscribe:${userId}`));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? userId : null;
  }

  confirmationToken(confirmationId: string): string {
    return this.mac(`confirm:${confirmationId}`, 32);
  }

  static hash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  private mac(text: string, bytes = 18): string {
    return createHmac('sha256', this.key).update(text).digest().subarray(0, bytes).toString('base64url');
  }
}
