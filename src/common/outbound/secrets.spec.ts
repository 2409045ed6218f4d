import { generateSigningSecret, SecretBox, signingKey } from './secrets.js';

const KEY_A = 'a'.repeat(16) + '-first-key-of-32-chars-or-more';
const KEY_B = 'b'.repeat(16) + '-second-key-of-32-chars-or-more';
const ENDPOINT = '0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10';

describe('webhook secrets', () => {
  it('should generate whsec_ secrets of 32 random bytes', () => {
    const a = generateSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingKey(a)).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(a);
  });

  it('should store a secret encrypted, never in clear, and open it again', () => {
    const box = new SecretBox([KEY_A]);
    const secret = generateSigningSecret();
    const sealed = box.seal(secret, ENDPOINT);
    expect(sealed).toMatch(/^v1:[0-9a-f]{8}:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(box.seal(secret, ENDPOINT)).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, ENDPOINT)).toBe(secret);
  });

  it('should refuse a ciphertext moved to another endpoint, altered, or under a key that is not configured', () => {
    const box = new SecretBox([KEY_A]);
    const sealed = box.seal(generateSigningSecret(), ENDPOINT);
    expect(() => box.open(sealed, '7c2e9d41-5a6b-4f3c-8e1d-0a9b8c7d6e5f')).toThrow();
    const parts = sealed.split(':');
    const data = Buffer.from(parts[3], 'base64url');
    data[0] = data[0] ^ 1;
    expect(() => box.open([...parts.slice(0, 3), data.toString('base64url')].join(':'), ENDPOINT)).toThrow();
    expect(() => new SecretBox([KEY_B]).open(sealed, ENDPOINT)).toThrow(/not configured/);
  });

  it('should decrypt with an older key during a rotation and mark its values stale', () => {
    const secret = generateSigningSecret();
    const old = new SecretBox([KEY_A]).seal(secret, ENDPOINT);
    const rotated = new SecretBox([KEY_B, KEY_A]);
    expect(rotated.isStale(old)).toBe(true);
    expect(rotated.open(old, ENDPOINT)).toBe(secret);
    const resealed = rotated.seal(secret, ENDPOINT);
    expect(rotated.isStale(resealed)).toBe(false);
    expect(new SecretBox([KEY_B]).open(resealed, ENDPOINT)).toBe(secret);
  });
});
