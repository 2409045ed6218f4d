import { Webhook } from 'standardwebhooks';
import { generateSigningSecret } from './secrets.js';
import { signatureHeaders } from './signature.js';

describe('signatureHeaders', () => {
  const body = JSON.stringify({
    type: 'comment.approved',
    timestamp: '2026-11-28T09:30:01.870Z',
    data: { comment: { id: 'x', body: 'Здравейте' } },
  });

  it('should produce headers the standardwebhooks reference library verifies', () => {
    const secret = generateSigningSecret();
    const headers = signatureHeaders(secret, 'msg_42_abc', new Date(), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('should match the reference implementation byte for byte', () => {
    const secret = generateSigningSecret();
    const at = new Date('2026-11-28T09:30:02.000Z');
    expect(signatureHeaders(secret, 'msg_1', at, body)['webhook-signature']).toBe(new Webhook(secret).sign('msg_1', at, body));
  });

  it('should not verify with another secret, another id or an altered body', () => {
    const secret = generateSigningSecret();
    const headers = { ...signatureHeaders(secret, 'msg_42_abc', new Date(), body) };
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_43_abc' })).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('Здравейте', 'Довиждане'), headers)).toThrow();
  });

  it('should sign a fresh timestamp, so a replayed old message is refused by the receiver', () => {
    const secret = generateSigningSecret();
    const old = { ...signatureHeaders(secret, 'msg_1', new Date(Date.now() - 10 * 60_000), body) };
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/too old/i);
  });
});
