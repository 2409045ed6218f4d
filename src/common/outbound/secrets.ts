import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` + base64 of 32 random bytes (the spec allows 24-64; the HMAC key is the bytes). */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a `whsec_…` secret. */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

interface Key {
  id: string;
  key: Buffer;
}

const FORMAT = 'v1';

/**
 * Webhook signing secrets at rest. HMAC signing needs the secret itself, so it cannot be hashed like a password;
 * it is encrypted with AES-256-GCM under a key derived (HKDF-SHA256) from WEBHOOK_SECRET_KEY, which lives in the
 * service's environment, never in the database. A database dump, a backup or a read-only SQL injection therefore
 * yields no usable secret. The endpoint id is the additional authenticated data, so a ciphertext copied onto another
 * endpoint's row does not decrypt.
 *
 * Stored form: `v1:<key id>:<iv>:<ciphertext+tag>` (base64url). Several keys may be configured, newest first: the
 * first encrypts, every one decrypts (by key id), and WebhookKeyRotation re-encrypts rows under the newest key at
 * start-up, so a key can be retired after one restart of every instance.
 */
export class SecretBox {
  private readonly keys: Key[];

  /** `purpose` separates the keys derived for different data from one secret (HKDF info). */
  constructor(secrets: readonly string[], purpose = 'newsroom-comments webhook signing secrets') {
    if (!secrets.length) throw new Error('SecretBox needs at least one key');
    this.keys = secrets.map((s) => {
      const key = Buffer.from(hkdfSync('sha256', Buffer.from(s, 'utf8'), Buffer.alloc(0), purpose, 32));
      return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
    });
  }

  /** The id of the key new secrets are encrypted with. */
  get currentKeyId(): string {
    return this.keys[0].id;
  }

  seal(plaintext: string, endpointId: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(endpointId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [FORMAT, id, iv.toString('base64url'), sealed.toString('base64url')].join(':');
  }

  /** Throws when the value was not sealed by one of the configured keys for this endpoint, or was altered. */
  open(stored: string, endpointId: string): string {
    const [format, keyId, iv, sealed] = stored.split(':');
    if (format !== FORMAT || !keyId || !iv || !sealed) throw new Error('unrecognised secret format');
    const key = this.keys.find((k) => k.id === keyId);
    if (!key)
      throw new Error(`the secret was encrypted with a key that is not configured (key id ${keyId}): add it back to WEBHOOK_SECRET_KEY`);
    const data = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(endpointId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Whether a stored value is under an older key (and should be re-encrypted). */
  isStale(stored: string): boolean {
    return stored.split(':')[1] !== this.currentKeyId;
  }
}
