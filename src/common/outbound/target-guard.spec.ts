import { checkWebhookUrl, forbiddenAddressReason, type HostResolver, resolveTarget, TargetRefusedError } from './target-guard.js';

describe('forbiddenAddressReason', () => {
  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '1.1.1.1',
    '185.63.144.10', // a Bulgarian public address
    '100.63.255.255', // just below carrier-grade NAT
    '100.128.0.1', // just above it
    '172.15.255.255', // just below 172.16/12
    '172.32.0.1', // just above it
    '2606:4700:4700::1111',
    '2a00:1450:4017:80b::200e',
    '64:ff9b::808:808', // NAT64 of 8.8.8.8
  ])('should allow the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });

  it.each([
    ['0.0.0.0', '"this network"'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'shared address space'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.1', 'IETF'],
    ['192.0.2.1', 'documentation'],
    ['192.168.100.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
    ['64:ff9b::10.0.0.1', 'NAT64 of 10.0.0.1'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'Teredo'],
    ['2002:7f00:1::1', '6to4'],
    ['fc00::1', 'unique local'],
    ['fd00:ec2::254', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
  ])('should refuse %s (%s)', (address, reason) => {
    expect(forbiddenAddressReason(address)).toContain(reason);
  });

  it('should refuse what is not an IP address', () => {
    expect(forbiddenAddressReason('localhost')).toBe('not an IP address');
  });
});

describe('checkWebhookUrl', () => {
  it('should accept http and https URLs and normalise them', () => {
    const r = checkWebhookUrl('HTTPS://Hooks.Example.BG:8443/in?x=1');
    expect(r.ok && r.url.toString()).toBe('https://hooks.example.bg:8443/in?x=1');
  });

  it.each([
    ['ftp://example.bg/', 'must be http or https, not ftp'],
    ['javascript:alert(1)', 'must be http or https'],
    ['//example.bg/', 'is not an absolute URL'],
    ['https://a:b@example.bg/', 'must not contain credentials'],
    ['https://example.bg/#top', 'must not contain a fragment'],
  ])('should refuse %s', (url, reason) => {
    const r = checkWebhookUrl(url);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });
});

describe('resolveTarget', () => {
  const resolver = (answer: Record<string, { address: string; family: 4 | 6 }[]>) =>
    ({
      resolve: async (host: string) => {
        const found = answer[host];
        if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        return found;
      },
    }) as HostResolver;

  it('should return every address of a public name, and refuse a name with any private one', async () => {
    const dns = resolver({
      'ok.example.bg': [{ address: '93.184.215.14', family: 4 }],
      'bad.example.bg': [
        { address: '93.184.215.14', family: 4 },
        { address: '10.0.0.1', family: 4 },
      ],
    });
    await expect(resolveTarget(dns, 'ok.example.bg', false)).resolves.toEqual([{ address: '93.184.215.14', family: 4 }]);
    await expect(resolveTarget(dns, 'bad.example.bg', false)).rejects.toThrow(
      '10.0.0.1 is not a public address: private (10.0.0.0/8) (bad.example.bg resolves to 10.0.0.1)',
    );
  });

  it('should allow private addresses only when told to, and refuse names that do not resolve either way', async () => {
    const dns = resolver({ 'intranet.example.bg': [{ address: '10.0.0.1', family: 4 }] });
    await expect(resolveTarget(dns, 'intranet.example.bg', true)).resolves.toHaveLength(1);
    const err = await resolveTarget(dns, 'gone.example.bg', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetRefusedError);
    expect(err).toMatchObject({ unresolvable: true, message: 'gone.example.bg does not resolve (ENOTFOUND)' });
  });
});
