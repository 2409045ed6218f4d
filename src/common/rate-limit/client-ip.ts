import { isIP, isIPv6 } from 'node:net';

/**
 * The address a per-IP limit counts against. IPv4-mapped addresses become plain IPv4; IPv6 is reduced to its /64,
 * because one subscriber usually holds a whole /64 and could otherwise rotate through 2^64 addresses.
 */
export function clientIpKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  const bare = ip.split('%')[0]; // drop a zone id (fe80::1%eth0)
  if (!isIPv6(bare)) return isIP(bare) ? bare : 'invalid';
  const [head = '', tail] = bare.split('::');
  const groups = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const full = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
