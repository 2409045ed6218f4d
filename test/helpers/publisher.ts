import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload, SignJWT } from 'jose';

/**
 * A stand-in for the news site (the publisher): throw-away signing keys, its JWKS served on 127.0.0.1 the way a
 * publisher would (GET …/jwks.json), and tokens signed the way the README tells publishers to sign them.
 */

export const ISSUER = 'https://www.publisher.test';
export const AUDIENCE = 'newsroom-comments';
export const SSO_SECRET = 'publisher-shared-secret-for-tests-0123456789abcdef';

export interface PublisherKey {
  kid: string;
  alg: 'RS256' | 'ES256' | 'EdDSA' | 'RS384';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function publisherKey(kid: string, alg: PublisherKey['alg']): Promise<PublisherKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

/** What the JWKS endpoint does: serve the key set, fail with 500, or never answer. */
export type JwksMode = 'serve' | 'fail' | 'hang';

export interface JwksServer {
  url: string;
  /** The keys currently published. */
  keys: JWK[];
  mode: JwksMode;
  /** GET requests received so far. */
  hits: number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const state = { keys, mode: 'serve' as JwksMode, hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits++;
    if (state.mode === 'hang') return; // the socket is destroyed on close
    if (state.mode === 'fail') {
      res.writeHead(500).end('publisher down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

export interface TokenOptions {
  /** Claims to add or override; `undefined` removes a default claim (iss, aud, sub, iat, exp). */
  claims?: Record<string, unknown>;
  /** The `kid` header (default: the key's). */
  kid?: string | null;
  /** Seconds from now. */
  iatOffset?: number;
  expiresIn?: number;
}

const now = () => Math.floor(Date.now() / 1000);

function claimsFor(opts: TokenOptions): JWTPayload {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: `reader-${Math.random().toString(36).slice(2)}`,
    iat: now() + (opts.iatOffset ?? 0),
    exp: now() + (opts.expiresIn ?? 120),
  };
  for (const [k, v] of Object.entries(opts.claims ?? {})) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base as JWTPayload;
}

/** A token signed with a published key, as the publisher's backend would mint it. */
export function signWithKey(key: PublisherKey, opts: TokenOptions = {}): Promise<string> {
  const kid = opts.kid === undefined ? key.kid : opts.kid;
  return new SignJWT(claimsFor(opts)).setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(kid !== null && { kid }) }).sign(key.privateKey);
}

/** A token signed with a shared secret (HS256 unless told otherwise). */
export function signWithSecret(secret: string | Uint8Array, opts: TokenOptions & { alg?: string } = {}): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claimsFor(opts)).setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' }).sign(key);
}

/** An unsecured JWT (`alg: none`, empty signature). */
export function unsecuredToken(opts: TokenOptions = {}): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claimsFor(opts))}.`;
}

/** Replaces the payload of a signed token with other claims, keeping header and signature. */
export function tamper(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as object), ...change };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}
