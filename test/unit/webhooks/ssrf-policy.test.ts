import { describe, expect, it } from 'vitest';
import { classifyAddress, isUnsafeUrlError, resolveWebhookTarget, type ResolvedAddress, type UnsafeUrlReason, type WebhookResolver } from 'tenantry';

/** A resolver from a fixed table; names not in it do not resolve. Nothing here touches the network. */
function tableResolver(table: Readonly<Record<string, readonly string[]>>): WebhookResolver {
  return (host) => {
    const answers = table[host.toLowerCase()];
    if (answers === undefined) return Promise.reject(new Error('ENOTFOUND'));
    return Promise.resolve(answers.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
}

const DNS = tableResolver({
  'hooks.example.com': ['93.184.216.34'],
  'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  'dual.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example.com': ['10.0.0.5'],
  'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
  'loop6.example.com': ['::1'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'meta.example.com': ['169.254.169.254'],
  'nat64.example.com': ['64:ff9b::a9fe:a9fe'],
  'ula.example.com': ['fd00::1'],
  'cgnat.example.com': ['100.64.1.1'],
  'empty.example.com': [],
  'xn--bcher-kva.example': ['93.184.216.34'],
  'www.example.org': ['93.184.216.35'],
});

async function reasonFor(url: string, policy: Parameters<typeof resolveWebhookTarget>[1] = {}): Promise<UnsafeUrlReason | 'accepted'> {
  try {
    await resolveWebhookTarget(url, policy, DNS);
    return 'accepted';
  } catch (error) {
    if (isUnsafeUrlError(error)) return error.reason;
    throw error;
  }
}

// Every private, loopback, link-local, metadata, reserved target in the spellings the WHATWG parser accepts.
const REFUSED_ADDRESSES: readonly string[] = [
  // loopback in every IPv4 spelling
  'https://127.0.0.1/',
  'https://127.1/',
  'https://127.0.1/',
  'https://2130706433/',
  'https://0x7f000001/',
  'https://0x7f.0x0.0x0.0x1/',
  'https://0177.0.0.1/',
  'https://017700000001/',
  'https://0x7f.1/',
  'https://127.0.0.1./',
  'https://127.000.000.001/',
  'https://127.255.255.254/',
  'https://%31%32%37.0.0.1/',
  'https://１２７.０.０.１/',
  'https://127。0。0。1/',
  // unspecified
  'https://0.0.0.0/',
  'https://0/',
  'https://0x0/',
  'https://0.1.2.3/',
  'https://[::]/',
  'https://[0:0:0:0:0:0:0:0]/',
  // private RFC 1918
  'https://10.0.0.1/',
  'https://10.255.255.255/',
  'https://012.0.0.1/',
  'https://0xa.0.0.1/',
  'https://167772161/',
  'https://172.16.0.1/',
  'https://172.31.255.255/',
  'https://0xac.0x10.0.1/',
  'https://192.168.0.1/',
  'https://192.168.1.1./',
  'https://3232235777/',
  'https://0xc0a80101/',
  'https://0300.0250.1.1/',
  'https://192.168.257/',
  // CGNAT
  'https://100.64.0.1/',
  'https://100.127.255.255/',
  // link-local and metadata
  'https://169.254.0.1/',
  'https://169.254.169.254/',
  'https://169.254.169.254./',
  'https://2852039166/',
  'https://0xa9fea9fe/',
  'https://0251.0376.0251.0376/',
  'https://0xa9.0xfe.0xa9.0xfe/',
  'https://169.254.43518/',
  'https://169.254.170.2/',
  'https://100.100.100.200/',
  'https://192.0.0.192/',
  'https://[fd00:ec2::254]/',
  // reserved, documentation, benchmarking, multicast, broadcast
  'https://192.0.0.1/',
  'https://192.0.2.1/',
  'https://198.18.0.1/',
  'https://198.19.255.255/',
  'https://198.51.100.7/',
  'https://203.0.113.9/',
  'https://192.88.99.1/',
  'https://224.0.0.1/',
  'https://239.255.255.250/',
  'https://240.0.0.1/',
  'https://255.255.255.255/',
  'https://4294967295/',
  // IPv6 loopback and IPv4 embedded in IPv6
  'https://[::1]/',
  'https://[0:0:0:0:0:0:0:1]/',
  'https://[0000::1]/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:7f00:1]/',
  'https://[::ffff:10.0.0.1]/',
  'https://[::ffff:169.254.169.254]/',
  'https://[::ffff:a9fe:a9fe]/',
  'https://[::ffff:8.8.8.8]/',
  'https://[0:0:0:0:0:ffff:127.0.0.1]/',
  'https://[::127.0.0.1]/',
  'https://[::7f00:1]/',
  'https://[::ffff:0:127.0.0.1]/',
  'https://[64:ff9b::127.0.0.1]/',
  'https://[64:ff9b::a9fe:a9fe]/',
  'https://[64:ff9b:1::a00:1]/',
  // IPv6 local, link-local, multicast, reserved
  'https://[fc00::1]/',
  'https://[fd12:3456:789a::1]/',
  'https://[fe80::1]/',
  'https://[febf::1]/',
  'https://[fec0::1]/',
  'https://[ff02::1]/',
  'https://[ff05::2]/',
  'https://[100::1]/',
  'https://[2001:db8::1]/',
  'https://[2001::1]/',
  'https://[2001:10::1]/',
  'https://[2001:20::1]/',
  'https://[2002:7f00:1::]/',
  'https://[2002:a9fe:a9fe::]/',
  'https://[3fff::1]/',
  'https://[5f00::1]/',
  'https://[4000::1]/',
  'https://[::2]/',
  'https://[1::]/',
  // names that resolve inside
  'https://internal.example.com/',
  'https://mixed.example.com/',
  'https://loop6.example.com/',
  'https://mapped.example.com/',
  'https://meta.example.com/',
  'https://nat64.example.com/',
  'https://ula.example.com/',
  'https://cgnat.example.com/',
  'https://INTERNAL.example.com/',
  'https://internal.example.com./',
];

const REFUSED_NAMES: readonly string[] = [
  'https://localhost/',
  'https://LOCALHOST/',
  'https://localhost./',
  'https://localhost../',
  'https://api.localhost/',
  'https://ⓛocalhost/',
  'https://ｌｏｃａｌｈｏｓｔ/',
  'https://metadata/',
  'https://metadata.google.internal/',
  'https://instance-data/',
  'https://foo.internal/',
  'https://printer.local/',
  'https://nas.home.arpa/',
  'https://intranet/',
  'https://box.localdomain/',
  'https://hooks.corp/',
  'https://router.lan/',
];

const REFUSED_STATIC: readonly (readonly [string, UnsafeUrlReason, object?])[] = [
  ['not a url', 'malformed'],
  ['', 'malformed'],
  ['//hooks.example.com/', 'malformed'],
  ['https://', 'malformed'],
  ['https://[::1', 'malformed'],
  ['https://[fe80::1%25eth0]/', 'malformed'],
  ['https://999.1.1.1/', 'malformed'],
  ['ftp://hooks.example.com/', 'scheme_not_allowed'],
  ['file:///etc/passwd', 'scheme_not_allowed'],
  ['gopher://hooks.example.com/', 'scheme_not_allowed'],
  ['javascript:alert(1)', 'scheme_not_allowed'],
  ['data:text/plain,hi', 'scheme_not_allowed'],
  ['ws://hooks.example.com/', 'scheme_not_allowed'],
  ['http://hooks.example.com/', 'scheme_not_allowed'],
  ['HTTP://hooks.example.com/', 'scheme_not_allowed'],
  ['https://user@hooks.example.com/', 'credentials_in_url'],
  ['https://user:pw@hooks.example.com/', 'credentials_in_url'],
  ['https://:pw@hooks.example.com/', 'credentials_in_url'],
  ['https://hooks.example.com@127.0.0.1/', 'credentials_in_url'],
  ['https://hooks.example.com:22/', 'port_not_allowed'],
  ['https://hooks.example.com:6379/', 'port_not_allowed'],
  ['https://hooks.example.com:80/', 'port_not_allowed'],
  ['https://hooks.example.com:0/', 'port_not_allowed'],
  ['https://hooks.example.com:25/', 'port_not_allowed'],
  ['http://hooks.example.com:3306/', 'port_not_allowed', { allowHttp: true }],
  ['https://nowhere.example.com/', 'unresolvable'],
  ['https://empty.example.com/', 'unresolvable'],
];

const ACCEPTED: readonly (readonly [string, object?])[] = [
  ['https://hooks.example.com/'],
  ['https://hooks.example.com/webhooks?x=1#frag'],
  ['https://HOOKS.EXAMPLE.COM/'],
  ['https://hooks.example.com./'],
  ['https://hooks.example.com:443/'],
  ['https://hooks.example.com:8443/'],
  ['https://v6.example.com/'],
  ['https://dual.example.com/'],
  ['https://bücher.example/'],
  ['https://www.example.org/path'],
  ['https://93.184.216.34/'],
  ['https://1572395042/'],
  ['https://8.8.8.8/'],
  ['https://1.1.1.1/'],
  ['https://172.15.255.255/'],
  ['https://172.32.0.1/'],
  ['https://100.63.255.255/'],
  ['https://100.128.0.1/'],
  ['https://169.253.255.255/'],
  ['https://192.167.255.255/'],
  ['https://223.255.255.255/'],
  ['https://[2606:4700:4700::1111]/'],
  ['https://[2a00:1450:4001:80b::200e]/'],
  ['http://hooks.example.com/', { allowHttp: true }],
  ['http://hooks.example.com:8080/', { allowHttp: true }],
  ['https://hooks.example.com:9000/', { allowedPorts: [9000] }],
];

describe('SSRF policy: the table', () => {
  it('has at least 150 URLs', () => {
    expect(REFUSED_ADDRESSES.length + REFUSED_NAMES.length + REFUSED_STATIC.length + ACCEPTED.length).toBeGreaterThanOrEqual(150);
  });

  it.each(REFUSED_ADDRESSES)('refuses %s: address_not_allowed', async (url) => {
    expect(await reasonFor(url)).toBe('address_not_allowed');
  });

  it.each(REFUSED_NAMES)('refuses %s: host_not_allowed', async (url) => {
    expect(await reasonFor(url)).toBe('host_not_allowed');
  });

  it.each(REFUSED_STATIC.map(([url, reason, policy]) => ({ url, reason, policy: policy ?? {} })))('refuses $url: $reason', async ({ url, reason, policy }) => {
    expect(await reasonFor(url, policy)).toBe(reason);
  });

  it.each(ACCEPTED.map(([url, policy]) => ({ url, policy: policy ?? {} })))('accepts $url', async ({ url, policy }) => {
    expect(await reasonFor(url, policy)).toBe('accepted');
  });

  it('refuses internal addresses even over http when http is allowed', async () => {
    expect(await reasonFor('http://127.0.0.1/', { allowHttp: true })).toBe('address_not_allowed');
    expect(await reasonFor('http://0x7f.1/', { allowHttp: true })).toBe('address_not_allowed');
  });
});

describe('SSRF policy: resolution and pinning', () => {
  it('resolves once and pins the first vetted address; a rebinding second answer is never asked for', async () => {
    let calls = 0;
    const rebinding: WebhookResolver = () => {
      calls += 1;
      return Promise.resolve([{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
    };
    const target = await resolveWebhookTarget('https://rebind.example.com/hook', {}, rebinding);
    expect(target).toMatchObject({ host: 'rebind.example.com', address: '93.184.216.34', family: 4 });
    expect(calls).toBe(1);
    // The next delivery resolves again and is refused on the internal answer.
    await expect(resolveWebhookTarget('https://rebind.example.com/hook', {}, rebinding)).rejects.toMatchObject({ reason: 'address_not_allowed' });
  });

  it('never resolves a URL refused by the static rules', async () => {
    let calls = 0;
    const counting: WebhookResolver = () => {
      calls += 1;
      return Promise.resolve([{ address: '93.184.216.34', family: 4 }]);
    };
    await expect(resolveWebhookTarget('http://hooks.example.com/', {}, counting)).rejects.toMatchObject({ reason: 'scheme_not_allowed' });
    await expect(resolveWebhookTarget('https://127.1/', {}, counting)).rejects.toMatchObject({ reason: 'address_not_allowed' });
    expect(calls).toBe(0);
  });

  it('lets an allowlisted origin through, still resolved and pinned, and nothing else on that host', async () => {
    const policy = { allowlist: ['http://127.0.0.1:8787'] };
    expect(await resolveWebhookTarget('http://127.0.0.1:8787/hook', policy, DNS)).toMatchObject({ address: '127.0.0.1', family: 4 });
    expect(await reasonFor('http://127.0.0.1:8788/hook', policy)).toBe('scheme_not_allowed');
    expect(await reasonFor('https://127.0.0.1:8787/hook', policy)).toBe('port_not_allowed');
    expect(await reasonFor('https://127.0.0.1/hook', policy)).toBe('address_not_allowed');
    expect(await reasonFor('http://u:p@127.0.0.1:8787/hook', policy)).toBe('credentials_in_url');
  });

  it('never echoes the resolved address in the error', async () => {
    const error = await resolveWebhookTarget('https://internal.example.com/', {}, DNS).catch((caught: unknown) => caught);
    expect(isUnsafeUrlError(error)).toBe(true);
    expect(JSON.stringify(error) + String(error)).not.toContain('10.0.0.5');
  });
});

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['100.64.0.0', 'cgnat'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:7f00:1', 'ipv4_embedded'],
    ['64:ff9b::1', 'nat64'],
    ['fd00::1', 'unique_local'],
    ['fe80::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2606:4700::1111', 'public'],
    ['93.184.216.34', 'public'],
    ['01.2.3.4', 'invalid'],
    ['1.2.3', 'invalid'],
    ['1:2:3:4:5:6:7:8:9', 'invalid'],
    ['1::2::3', 'invalid'],
    ['example.com', 'invalid'],
  ] as const)('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });
});
