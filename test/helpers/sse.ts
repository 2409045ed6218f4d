import { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  /** When it arrived (performance.now()). */
  at: number;
}

/** The base URL of a test app, listening on a free port of 127.0.0.1 (SSE needs a real socket). */
export async function listen(app: NestFastifyApplication): Promise<string> {
  const server = app.getHttpServer();
  if (!server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A minimal EventSource for tests: opens the stream, parses events as they arrive (heartbeat comments are
 * counted), and lets a test wait for the next event matching a predicate.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  heartbeats = 0;
  retry?: number;
  ended = false;
  private buffer = '';
  private waiters: { test: (e: SseEvent) => boolean; from: number; resolve: (e: SseEvent) => void }[] = [];
  private endWaiters: (() => void)[] = [];

  private constructor(
    private readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {}

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  get headers(): IncomingHttpHeaders {
    return this.res.headers;
  }

  /** Opens `url` and resolves once the response head arrived (any status; a non-200 body is read as text). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } });
      req.once('error', reject);
      req.once('response', (res) => {
        const client = new SseClient(req, res);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => client.finish());
        res.on('close', () => client.finish());
        res.on('error', () => client.finish());
        resolve(client);
      });
      req.end();
    });
  }

  /** The response body so far (for error responses). */
  get text(): string {
    return this.buffer;
  }

  /** The next event (after the `skip` first ones) matching `test`, or a rejection after `timeoutMs`. */
  next(test: (e: SseEvent) => boolean = () => true, timeoutMs = 5_000, skip = 0): Promise<SseEvent> {
    const found = this.events.slice(skip).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = { test, from: skip, resolve: (e: SseEvent) => (clearTimeout(timer), resolve(e)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no matching event within ${timeoutMs} ms; got: ${JSON.stringify(this.events.map((e) => [e.id, e.event, e.data.slice(0, 80)]))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves when the server ends the stream (or rejects after `timeoutMs`). */
  whenEnded(timeoutMs = 5_000): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stream still open after ${timeoutMs} ms`)), timeoutMs);
      this.endWaiters.push(() => (clearTimeout(timer), resolve()));
    });
  }

  close(): void {
    this.req.destroy();
    this.finish();
  }

  private feed(chunk: string): void {
    if (this.res.statusCode !== 200) {
      this.buffer += chunk;
      return;
    }
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const e: Partial<SseEvent> & { data?: string } = {};
      let comment = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comment = true;
        else if (line.startsWith('retry: ')) this.retry = Number(line.slice(7));
        else if (line.startsWith('id: ')) e.id = line.slice(4);
        else if (line.startsWith('event: ')) e.event = line.slice(7);
        else if (line.startsWith('data: ')) e.data = e.data === undefined ? line.slice(6) : `${e.data}\n${line.slice(6)}`;
      }
      if (comment && e.data === undefined) this.heartbeats++;
      if (e.data === undefined) continue;
      const event: SseEvent = { id: e.id, event: e.event ?? 'message', data: e.data, at: performance.now() };
      this.events.push(event);
      const index = this.events.length - 1;
      for (const w of [...this.waiters]) {
        if (index >= w.from && w.test(event)) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(event);
        }
      }
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const w of this.endWaiters.splice(0)) w();
  }
}

/** `event.data` parsed. */
export const json = <T = Record<string, unknown>>(e: SseEvent) => JSON.parse(e.data) as T;
