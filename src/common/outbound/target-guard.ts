import { lookup } from 'node:dns/promises';
import { Injectable } from '@nestjs/common';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may be sent (SSRF guard). A webhook URL is chosen by an admin but fetched by this server, from
 * inside the newsroom's network: without a guard it reaches the database, the cloud's metadata service
 * (169.254.169.254: credentials) or an intranet admin panel. The rule, unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true:
 * every address the host resolves to must be a public unicast address. It is checked when an endpoint is created
 * or changed and again at every delivery, after DNS resolution, and the delivery connects to the very addresses
 * checked (http-post.ts), so a name that resolves to a public address at the check and to 127.0.0.1 at the
 * connection (DNS rebinding) gets nowhere.
 */

interface Range {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
  reason: string;
}

const RANGES: Range[] = [
  { network: '0.0.0.0', prefix: 8, family: 'ipv4', reason: '"this network" (0.0.0.0/8)' },
  { network: '10.0.0.0', prefix: 8, family: 'ipv4', reason: 'private (10.0.0.0/8)' },
  { network: '100.64.0.0', prefix: 10, family: 'ipv4', reason: 'shared address space (100.64.0.0/10, carrier-grade NAT)' },
  { network: '127.0.0.0', prefix: 8, family: 'ipv4', reason: 'loopback (127.0.0.0/8)' },
  { network: '169.254.0.0', prefix: 16, family: 'ipv4', reason: 'link-local (169.254.0.0/16, cloud metadata services)' },
  { network: '172.16.0.0', prefix: 12, family: 'ipv4', reason: 'private (172.16.0.0/12)' },
  { network: '192.0.0.0', prefix: 24, family: 'ipv4', reason: 'IETF protocol assignments (192.0.0.0/24)' },
  { network: '192.0.2.0', prefix: 24, family: 'ipv4', reason: 'documentation (192.0.2.0/24)' },
  { network: '192.88.99.0', prefix: 24, family: 'ipv4', reason: '6to4 relay (192.88.99.0/24)' },
  { network: '192.168.0.0', prefix: 16, family: 'ipv4', reason: 'private (192.168.0.0/16)' },
  { network: '198.18.0.0', prefix: 15, family: 'ipv4', reason: 'benchmarking (198.18.0.0/15)' },
  { network: '198.51.100.0', prefix: 24, family: 'ipv4', reason: 'documentation (198.51.100.0/24)' },
  { network: '203.0.113.0', prefix: 24, family: 'ipv4', reason: 'documentation (203.0.113.0/24)' },
  { network: '224.0.0.0', prefix: 4, family: 'ipv4', reason: 'multicast (224.0.0.0/4)' },
  { network: '240.0.0.0', prefix: 4, family: 'ipv4', reason: 'reserved (240.0.0.0/4, broadcast)' },
  // IPv4-mapped (::ffff:a.b.c.d) is refused whatever address it maps: a receiver has no reason to use one.
  { network: '::ffff:0:0', prefix: 96, family: 'ipv6', reason: 'IPv4-mapped IPv6 (::ffff:0:0/96)' },
  { network: '::', prefix: 128, family: 'ipv6', reason: 'unspecified (::)' },
  { network: '::1', prefix: 128, family: 'ipv6', reason: 'loopback (::1)' },
  { network: '::', prefix: 96, family: 'ipv6', reason: 'IPv4-compatible IPv6 (::/96)' },
  { network: '64:ff9b:1::', prefix: 48, family: 'ipv6', reason: 'local-use NAT64 (64:ff9b:1::/48)' },
  { network: '100::', prefix: 64, family: 'ipv6', reason: 'discard-only (100::/64)' },
  { network: '2001::', prefix: 23, family: 'ipv6', reason: 'IETF protocol assignments (2001::/23, Teredo)' },
  { network: '2001:db8::', prefix: 32, family: 'ipv6', reason: 'documentation (2001:db8::/32)' },
  { network: '2002::', prefix: 16, family: 'ipv6', reason: '6to4 (2002::/16)' },
  { network: 'fc00::', prefix: 7, family: 'ipv6', reason: 'unique local (fc00::/7)' },
  { network: 'fe80::', prefix: 10, family: 'ipv6', reason: 'link-local (fe80::/10)' },
  { network: 'fec0::', prefix: 10, family: 'ipv6', reason: 'site-local (fec0::/10)' },
  { network: 'ff00::', prefix: 8, family: 'ipv6', reason: 'multicast (ff00::/8)' },
];

const RULES = RANGES.map((r) => {
  const list = new BlockList();
  list.addSubnet(r.network, r.prefix, r.family);
  return { list, family: r.family, reason: r.reason };
});

const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

/**
 * Why `address` (an IP literal) may not receive webhooks, or null for a public unicast address. The well-known
 * NAT64 prefix (64:ff9b::/96) is judged by the IPv4 address it embeds.
 */
export function forbiddenAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // Only the rules of the address's own family: Node's BlockList also matches IPv4 addresses against an IPv6
  // ::ffff:0:0/96 rule (and IPv4-mapped addresses against IPv4 rules).
  for (const rule of RULES) if (rule.family === type && rule.list.check(address, type)) return rule.reason;
  if (type === 'ipv6' && NAT64.check(address, 'ipv6')) {
    const embedded = embeddedIpv4(address);
    const reason = embedded && forbiddenAddressReason(embedded);
    if (reason) return `NAT64 of ${embedded}: ${reason}`;
  }
  return null;
}

/** The IPv4 address in the last 32 bits of an IPv6 address (64:ff9b::a.b.c.d, 64:ff9b::7f00:1). */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted) return dotted[1];
  const groups = lower.split(':');
  const [hi, lo] = groups.slice(-2).map((g) => parseInt(g || '0', 16));
  if (hi === undefined || lo === undefined || Number.isNaN(hi) || Number.isNaN(lo)) return null;
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** A URL an endpoint may use, or the reason it may not (shape only; addresses are checked by TargetGuard). */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export const MAX_WEBHOOK_URL_LENGTH = 2000;

/** Only http(s), a host, no credentials (they would show in every listing), no fragment (never sent). */
export function checkWebhookUrl(raw: string): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: `must be http or https, not ${url.protocol.slice(0, -1)}` };
  if (!url.hostname) return { ok: false, reason: 'has no host' };
  if (url.username || url.password)
    return { ok: false, reason: 'must not contain credentials (user:password@); put a token in the path or query instead' };
  if (url.hash) return { ok: false, reason: 'must not contain a fragment (#…)' };
  return { ok: true, url };
}

/** A URL hostname as an IP literal for the resolver (`[::1]` → `::1`), or the name as it is. */
export const bareHost = (hostname: string) => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);

/** Thrown when a webhook target is refused: its host does not resolve, or resolves to a forbidden address. */
export class TargetRefusedError extends Error {
  constructor(
    message: string,
    readonly unresolvable = false,
  ) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/**
 * Resolves webhook hosts. A class of its own so tests can stand in for DNS (a name that changes its answer between
 * the check at creation and a delivery); production uses the system resolver (getaddrinfo, as every connection does).
 */
@Injectable()
export class HostResolver {
  async resolve(host: string): Promise<ResolvedAddress[]> {
    const family = isIP(host);
    if (family) return [{ address: host, family: family as 4 | 6 }];
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
  }
}

/**
 * Resolves a webhook host and checks every address it resolves to. With `allowPrivate` only the resolution is
 * required. Returns the addresses to connect to (all checked); throws TargetRefusedError otherwise.
 */
export async function resolveTarget(resolver: HostResolver, hostname: string, allowPrivate: boolean): Promise<ResolvedAddress[]> {
  const host = bareHost(hostname);
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolver.resolve(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TargetRefusedError(`${host} does not resolve${code ? ` (${code})` : ''}`, true);
  }
  if (!addresses.length) throw new TargetRefusedError(`${host} does not resolve`, true);
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason) {
        const via = address === host ? '' : ` (${host} resolves to ${address})`;
        throw new TargetRefusedError(`${address} is not a public address: ${reason}${via}; WEBHOOK_ALLOW_PRIVATE_TARGETS=true allows it`);
      }
    }
  }
  return addresses;
}
