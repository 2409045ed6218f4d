import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type FlattenedJWSInput, type JWK } from 'jose';
import { PublisherKeys, PublisherKeysUnavailable } from './publisher-keys.js';

/**
 * The publisher's key set as PublisherKeys reads it, against a publisher stand-in on 127.0.0.1 (node:http) and a
 * clock the test moves: the size cap, negative caching while the publisher fails, and stale-while-revalidate.
 */

type Mode = 'serve' | 'fail' | 'hang' | 'huge';
interface Publisher {
  url: URL;
  mode: Mode;
  keys: JWK[];
  hits: number;
  /** Bytes the `huge` answer managed to write before the reader hung up. */
  hugeBytesWritten: number;
  hugeClosed: Promise<void>;
  close(): Promise<void>;
}

const HUGE_BYTES = 50 * 1024 * 1024;

async function startPublisher(keys: JWK[]): Promise<Publisher> {
  let closedHuge!: () => void;
  const state = {
    mode: 'serve' as Mode,
    keys,
    hits: 0,
    hugeBytesWritten: 0,
    hugeClosed: new Promise<void>((r) => (closedHuge = r)),
  };
  const server: Server = createServer((req, res) => {
    state.hits++;
    if (state.mode === 'hang') return;
    if (state.mode === 'fail') return void res.writeHead(500).end('down');
    if (state.mode === 'serve')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
    // huge: a chunked answer (no Content-Length) that would go on for 50 MB; stop when the reader hangs up.
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (state.hugeBytesWritten < HUGE_BYTES && !res.destroyed) {
        state.hugeBytesWritten += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => closedHuge());
    res.write('{"keys":[');
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: new URL(`http://127.0.0.1:${port}/jwks.json`),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

const key = async (kid: string) => ({
  ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)),
  kid,
  alg: 'ES256',
});
const header = (kid: string) => ({ alg: 'ES256', kid });
const INPUT = { payload: '', signature: '' } as FlattenedJWSInput;

let publisher: Publisher;
let known: JWK;
let clock: number;
const now = () => clock;
const make = (over: Partial<ConstructorParameters<typeof PublisherKeys>[1]> = {}) =>
  new PublisherKeys(publisher.url, { timeoutMs: 300, cooldownMs: 30_000, maxAgeMs: 600_000, failureBackoffMs: 5_000, now, ...over });

beforeAll(async () => {
  known = await key('known');
  publisher = await startPublisher([known]);
});
afterAll(async () => {
  await publisher.close();
});
beforeEach(() => {
  publisher.mode = 'serve';
  publisher.keys = [known];
  clock = 1_000_000;
});

describe(PublisherKeys.name, () => {
  it('should stop reading a key set larger than 1 MB and close the connection', async () => {
    publisher.mode = 'huge';
    const keys = make({ timeoutMs: 10_000 });
    await expect(keys.getKey(header('known'), INPUT)).rejects.toBeInstanceOf(PublisherKeysUnavailable);
    await publisher.hugeClosed;
    // The reader hung up soon after 1 MB (socket buffers aside), far from the 50 MB on offer.
    expect(publisher.hugeBytesWritten).toBeLessThan(16 * 1024 * 1024);
  });

  it('should not read again while a failed read backs off, however many tokens arrive, then read after it', async () => {
    publisher.mode = 'fail';
    const keys = make();
    const hits = publisher.hits;
    const first = await keys.getKey(header('known'), INPUT).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(PublisherKeysUnavailable);
    const again = await Promise.all(
      Array.from({ length: 20 }, (_, i) => keys.getKey(header(`random-${i}`), INPUT).catch((e: unknown) => e)),
    );
    expect(again.every((e) => e instanceof PublisherKeysUnavailable)).toBe(true);
    expect(publisher.hits - hits).toBe(1);
    expect((again[0] as PublisherKeysUnavailable).retryAfterSeconds).toBeGreaterThanOrEqual(1);

    publisher.mode = 'serve';
    clock += 5_000;
    await expect(keys.getKey(header('known'), INPUT)).resolves.toBeDefined();
    expect(publisher.hits - hits).toBe(2);
  });

  it('should read at most once per failure backoff for unknown kids while the publisher is down, keeping the cached keys', async () => {
    const keys = make({ cooldownMs: 1_000 });
    await keys.getKey(header('known'), INPUT);
    publisher.mode = 'fail';
    const hits = publisher.hits;
    clock += 1_000;
    for (let i = 0; i < 10; i++) {
      await expect(keys.getKey(header(`rotated-${i}`), INPUT)).rejects.toBeInstanceOf(PublisherKeysUnavailable);
      // The cached key still verifies.
      await expect(keys.getKey(header('known'), INPUT)).resolves.toBeDefined();
      clock += 100;
    }
    expect(publisher.hits - hits).toBe(1);
  });

  it('should answer with the cached keys after they expire while one background read refreshes them', async () => {
    const keys = make();
    await keys.getKey(header('known'), INPUT);
    publisher.mode = 'hang';
    clock += 600_000;
    const hits = publisher.hits;
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 }, () => keys.getKey(header('known'), INPUT)));
    // Not one of them waited for the hanging publisher's 300 ms timeout.
    expect(Date.now() - started).toBeLessThan(250);
    await vi.waitFor(() => expect(publisher.hits - hits).toBe(1));

    // The publisher is back with a rotated key: the next refresh (after the failed one's backoff) picks it up.
    const rotated = await key('rotated');
    publisher.keys = [rotated];
    publisher.mode = 'serve';
    // Once the hanging read has timed out, a later sign-in starts the refresh that picks it up (the old key answers meanwhile).
    await vi.waitFor(
      async () => {
        clock += 5_000;
        await keys.getKey(header('known'), INPUT).catch(() => undefined);
        expect(keys.cached()?.keys.map((k) => k.kid)).toEqual(['rotated']);
      },
      { timeout: 5_000, interval: 50 },
    );
  });
});
