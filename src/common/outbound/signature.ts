import { createHmac } from 'node:crypto';
import { signingKey } from './secrets.js';

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Standard Webhooks signature headers (https://www.standardwebhooks.com): HMAC-SHA256 with the secret's bytes over
 * `<webhook-id>.<webhook-timestamp>.<body>`, base64, as `v1,<signature>`. The timestamp (Unix seconds) is the
 * attempt's, so receivers can refuse replays older than their tolerance (5 minutes in the reference libraries);
 * the id is the message's and stays the same on every attempt.
 */
export function signatureHeaders(secret: string, messageId: string, at: Date, body: string): SignatureHeaders {
  const timestamp = Math.floor(at.getTime() / 1000).toString();
  const signature = createHmac('sha256', signingKey(secret)).update(`${messageId}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': messageId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
