import { HostResolver, type ResolvedAddress } from '../../../src/common/outbound/target-guard.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { authHeader, createArticle, createUser, type TestUser } from '../../factories/index.js';
import { deleteAllWebhookEndpoints, eventually, WebhookReceiver } from '../../helpers/webhook-receiver.js';

/**
 * The SSRF rule with its default (WEBHOOK_ALLOW_PRIVATE_TARGETS=false): only http(s) URLs whose host resolves to
 * public addresses, checked at creation and again at every delivery after resolving. DNS is stood in for by
 * replacing HostResolver.resolve (the one place the service resolves webhook hosts), so a name can change its
 * answer between the check at creation and a delivery, as in a DNS-rebinding attack.
 */

let db: ScratchDatabase;
let t: TestApp;
let admin: TestUser;
let receiver: WebhookReceiver;
/** What the stand-in DNS answers, per name; unknown names do not resolve. */
const dns = new Map<string, ResolvedAddress[]>();
const PUBLIC: ResolvedAddress = { address: '93.184.215.14', family: 4 };

const create = (url: string) =>
  t.http
    .post('/api/admin/webhooks')
    .set(authHeader(admin))
    .send({ url, events: ['comment.approved'] });

beforeAll(async () => {
  db = await scratchDatabase('webhooks_ssrf', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url, WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '60000' });
  admin = await createUser(t, { role: 'admin' });
  receiver = await WebhookReceiver.start();
  const real = new HostResolver();
  vi.spyOn(t.app.get(HostResolver), 'resolve').mockImplementation(async (host) => {
    const answer = dns.get(host);
    if (answer) return answer;
    if (host.endsWith('.invalid') || host.endsWith('.example.bg'))
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return real.resolve(host); // IP literals and localhost, as the system resolves them
  });
});
afterAll(async () => {
  await t?.close();
  await receiver?.stop();
  await db?.drop();
});

describe('webhook targets (SSRF)', () => {
  it.each([
    ['loopback', 'http://127.0.0.1:8080/hooks'],
    ['loopback by name', 'http://localhost/hooks'],
    ['loopback, other spelling', 'http://0x7f000001/hooks'],
    ['private 10/8', 'https://10.0.0.5/hooks'],
    ['private 172.16/12', 'http://172.20.1.1/hooks'],
    ['private 192.168/16', 'http://192.168.1.10:8080/hooks'],
    ['cloud metadata (link-local)', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['carrier-grade NAT (Alibaba metadata)', 'http://100.100.100.200/latest/meta-data/'],
    ['unspecified', 'http://0.0.0.0/hooks'],
    ['IPv6 loopback', 'http://[::1]/hooks'],
    ['IPv6 unique local (AWS metadata)', 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['IPv6 link-local', 'http://[fe80::1]/hooks'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/hooks'],
    ['IPv4-mapped IPv6 of a public address', 'http://[::ffff:93.184.215.14]/hooks'],
    ['NAT64 of a private address', 'http://[64:ff9b::a00:5]/hooks'],
  ])('should refuse a URL on a non-public address at creation: %s', async (_kind, url) => {
    const res = await create(url);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'WEBHOOK_TARGET_NOT_ALLOWED', details: [{ field: 'url' }] });
    expect(res.body.error.message).toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS');
  });

  it.each([
    ['not http(s)', 'ftp://hooks.example.org/in'],
    ['a file', 'file:///etc/passwd'],
    ['not a URL', 'hooks.example.org/in'],
    ['credentials in the URL', 'https://user:secret@hooks.example.org/in'],
    ['a fragment', 'https://hooks.example.org/in#x'],
    ['a host that does not resolve', 'https://nowhere.example.bg/in'],
  ])('should refuse an unusable URL at creation: %s', async (_kind, url) => {
    const res = await create(url);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_WEBHOOK_URL', details: [{ field: 'url' }] });
  });

  it('should refuse a name that resolves to a private address, or to any private address among public ones', async () => {
    dns.set('intranet.example.bg', [{ address: '10.1.2.3', family: 4 }]);
    dns.set('mixed.example.bg', [PUBLIC, { address: '::1', family: 6 }]);
    for (const host of ['intranet.example.bg', 'mixed.example.bg']) {
      const res = await create(`https://${host}/hooks`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('WEBHOOK_TARGET_NOT_ALLOWED');
      expect(res.body.error.message).toContain(`${host} resolves to`);
    }
    expect(await t.prisma.webhookEndpoint.count()).toBe(0);
    expect(await t.prisma.moderationAction.count({ where: { action: 'webhook_create' } })).toBe(0);
  });

  it('should refuse a change of URL to a private address', async () => {
    dns.set('hooks.example.bg', [PUBLIC]);
    const created = await create('https://hooks.example.bg/comments').expect(201);
    const res = await t.http
      .patch(`/api/admin/webhooks/${created.body.webhook.id}`)
      .set(authHeader(admin))
      .send({ url: 'http://192.168.0.1/' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('WEBHOOK_TARGET_NOT_ALLOWED');
    expect((await t.http.get(`/api/admin/webhooks/${created.body.webhook.id}`).set(authHeader(admin)).expect(200)).body.webhook.url).toBe(
      'https://hooks.example.bg/comments',
    );
    await deleteAllWebhookEndpoints(t.prisma);
  });

  it('should check again at every delivery: a name that turns private after creation (DNS rebinding) gets no request', async () => {
    // Created while the name resolves to a public address, on the port our receiver listens on.
    const port = new URL(receiver.url).port;
    dns.set('rebind.example.bg', [PUBLIC]);
    const created = await create(`http://rebind.example.bg:${port}/hooks/comments`).expect(201);
    const id = created.body.webhook.id as string;
    receiver.useSecret(created.body.webhook.secret as string);

    // Now the name points at this machine, where the receiver (standing in for an internal service) listens.
    dns.set('rebind.example.bg', [{ address: '127.0.0.1', family: 4 }]);
    const ping = await t.http.post(`/api/admin/webhooks/${id}/test`).set(authHeader(admin)).expect(201);
    expect(ping.body.delivery).toMatchObject({
      status: 'failed',
      lastResponseCode: null,
      lastError: expect.stringContaining('127.0.0.1 is not a public address'),
    });

    // The worker's deliveries are checked the same way.
    const reader = await createUser(t);
    const { slug } = await createArticle(t);
    const comment = await t.http
      .post(`/api/articles/${slug}/comments`)
      .set(authHeader(reader))
      .send({ body: 'Опит за пренасочване' })
      .expect(201);
    await t.http.patch(`/api/admin/comments/${comment.body.comment.id}`).set(authHeader(admin)).send({ status: 'approved' }).expect(200);
    const attempted = await eventually(async () => {
      const res = await t.http.get(`/api/admin/webhooks/${id}/deliveries`).set(authHeader(admin)).query({ status: 'pending' }).expect(200);
      // attempts counts a claimed attempt at once; its outcome (lastError) is written when it ends.
      return (res.body.items as { attempts: number; lastError: string | null }[]).find((d) => d.attempts >= 1 && d.lastError !== null);
    });
    expect(attempted).toMatchObject({ lastError: expect.stringContaining('target refused: 127.0.0.1 is not a public address') });
    expect(receiver.requests).toBe(0);
  });
});
