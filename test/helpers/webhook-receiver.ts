import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { PrismaService } from '../../src/prisma/prisma.service.js';

export interface ReceivedWebhook {
  /** `webhook-id` */
  id: string;
  timestamp: number;
  type: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  headers: http.IncomingHttpHeaders;
}

type Responder = (
  req: http.IncomingMessage,
  payload: ReceivedWebhook['payload'],
) => { status: number; headers?: Record<string, string>; delayMs?: number };

/**
 * A webhook receiver on 127.0.0.1, as a publisher would write one: every request is verified with the
 * `standardwebhooks` package (signature, timestamp tolerance) using the endpoint's secret; verified messages are
 * recorded in `received`, anything else is answered 400 and counted in `rejected`. `respond` decides the status of
 * verified requests (200 by default); `stop()` and `start()` take it off the network and back on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Requests whose signature did not verify, with the reason. */
  readonly rejected: string[] = [];
  /** Every verified request with the status it was answered with (failed attempts included). */
  readonly log: { id: string; type: string; status: number }[] = [];
  /** Every request that arrived (verified or not). */
  requests = 0;
  respond: Responder = () => ({ status: 200 });
  private verifier: Webhook | null = null;
  private server: http.Server | null = null;
  private port = 0;

  static async start(): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await r.start();
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/comments`;
  }

  /** The endpoint's `whsec_…` secret, as the admin API showed it once. */
  useSecret(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          if (!this.verifier) throw new Error('no secret configured');
          const payload = this.verifier.verify(raw, req.headers as Record<string, string>) as ReceivedWebhook['payload'];
          const answer = this.respond(req, payload);
          this.log.push({ id: String(req.headers['webhook-id']), type: payload.type, status: answer.status });
          if (answer.status >= 200 && answer.status < 300) {
            this.received.push({
              id: String(req.headers['webhook-id']),
              timestamp: Number(req.headers['webhook-timestamp']),
              type: payload.type,
              payload,
              headers: req.headers,
            });
          }
          const send = () => res.writeHead(answer.status, answer.headers).end('ok');
          if (answer.delayMs) setTimeout(send, answer.delayMs);
          else send();
        } catch (err) {
          this.rejected.push((err as Error).message);
          res.writeHead(400).end('bad signature');
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Off the network: connections are refused until start() (same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  of(type: string): ReceivedWebhook[] {
    return this.received.filter((m) => m.type === type);
  }

  /** Waits until `predicate` holds (polling every 20 ms) or `timeoutMs` passed; returns whether it held. */
  async waitFor(predicate: (r: WebhookReceiver) => boolean, timeoutMs = 5000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (predicate(this)) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return predicate(this);
  }
}

/** Waits until `check` resolves truthy (polling every 25 ms) or `timeoutMs` passed; returns the last value. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await check();
  while (!value && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 25));
    value = await check();
  }
  return value;
}

/**
 * Deletes every webhook endpoint (and, by cascade, its deliveries) in the worker's lock order, deliveries first, as
 * the admin DELETE does: a plain deleteMany can deadlock with the worker recording an attempt.
 */
export async function deleteAllWebhookEndpoints(prisma: PrismaService): Promise<void> {
  await prisma.transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM webhook_deliveries ORDER BY id FOR UPDATE`;
    await tx.webhookEndpoint.deleteMany();
  });
}
