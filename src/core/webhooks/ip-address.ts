/**
 * What kind of address an IP is, for the webhook SSRF policy. Everything but
 * `public` is refused.
 *
 * - `public`: globally routable unicast; the only class delivery connects to.
 * - `unspecified`: `0.0.0.0/8` ("this network") or `::`.
 * - `loopback`: `127.0.0.0/8`, `::1`.
 * - `private`: RFC 1918 (`10/8`, `172.16/12`, `192.168/16`).
 * - `cgnat`: shared address space `100.64.0.0/10`.
 * - `link_local`: `169.254.0.0/16`, `fe80::/10`.
 * - `metadata`: cloud instance metadata (`169.254.169.254`, `169.254.170.2`, `100.100.100.200`, `192.0.0.192`, `fd00:ec2::254`).
 * - `multicast`: `224.0.0.0/4`, `ff00::/8`.
 * - `reserved`: IETF and documentation ranges, benchmarking, `240/4` and broadcast, IPv6 outside `2000::/3`, Teredo, 6to4, ORCHID, discard, site-local.
 * - `unique_local`: `fc00::/7`.
 * - `ipv4_embedded`: IPv6 forms carrying an IPv4 address (IPv4-mapped `::ffff:0:0/96`, IPv4-compatible `::/96`, SIIT `::ffff:0:0:0/96`), refused whatever they embed.
 * - `nat64`: `64:ff9b::/96` and `64:ff9b:1::/48`, which a NAT64 gateway may route to any IPv4 address, internal ones included.
 * - `invalid`: not an IPv4 or IPv6 address in canonical notation.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link_local'
  | 'metadata'
  | 'multicast'
  | 'reserved'
  | 'unique_local'
  | 'ipv4_embedded'
  | 'nat64'
  | 'invalid';

type Range = readonly [base: bigint, prefix: number, cls: AddressClass];

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Parses a dotted-quad IPv4 address (four decimal parts, no leading zeros)
 * to its 32-bit value, or `undefined`. Deliberately strict: hostnames reach
 * this only after the WHATWG URL parser has turned every other spelling
 * (hex, octal, decimal, short forms) into a dotted quad, and resolver
 * answers are dotted quads, so anything else is not an address.
 */
export function parseIpv4(text: string): bigint | undefined {
  if (!DOTTED_QUAD.test(text)) return undefined;
  return text.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** Parses one side of a `::` into 16-bit groups; an embedded IPv4 tail counts as two. */
function groupsOf(side: string, allowIpv4Tail: boolean): bigint[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: bigint[] = [];
  for (const [index, part] of parts.entries()) {
    if (allowIpv4Tail && index === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (HEX_GROUP.test(part)) {
      groups.push(BigInt(parseInt(part, 16)));
    } else {
      return undefined;
    }
  }
  return groups;
}

/**
 * Parses an IPv6 address (with `::` compression and an optional IPv4 tail,
 * without brackets or zone) to its 128-bit value, or `undefined`.
 */
export function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

function v4(a: number, b: number, c: number, d: number): bigint {
  return (BigInt(a) << 24n) | (BigInt(b) << 16n) | (BigInt(c) << 8n) | BigInt(d);
}

function v6(text: string): bigint {
  const value = parseIpv6(text);
  if (value === undefined) throw new Error(`bad range literal ${text}`);
  return value;
}

// Most specific first: the first range containing the address decides its class.
const IPV4_RANGES: readonly Range[] = [
  [v4(169, 254, 169, 254), 32, 'metadata'],
  [v4(169, 254, 170, 2), 32, 'metadata'],
  [v4(100, 100, 100, 200), 32, 'metadata'],
  [v4(192, 0, 0, 192), 32, 'metadata'],
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link_local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 0, 2, 0), 24, 'reserved'],
  [v4(192, 31, 196, 0), 24, 'reserved'],
  [v4(192, 52, 193, 0), 24, 'reserved'],
  [v4(192, 88, 99, 0), 24, 'reserved'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(192, 175, 48, 0), 24, 'reserved'],
  [v4(198, 18, 0, 0), 15, 'reserved'],
  [v4(198, 51, 100, 0), 24, 'reserved'],
  [v4(203, 0, 113, 0), 24, 'reserved'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
];

const IPV6_RANGES: readonly Range[] = [
  [v6('fd00:ec2::254'), 128, 'metadata'],
  [0n, 128, 'unspecified'],
  [1n, 128, 'loopback'],
  [v6('::ffff:0:0'), 96, 'ipv4_embedded'],
  [v6('::ffff:0:0:0'), 96, 'ipv4_embedded'],
  [0n, 96, 'ipv4_embedded'],
  [v6('64:ff9b::'), 96, 'nat64'],
  [v6('64:ff9b:1::'), 48, 'nat64'],
  [v6('100::'), 64, 'reserved'],
  [v6('2001::'), 32, 'reserved'],
  [v6('2001:2::'), 48, 'reserved'],
  [v6('2001:10::'), 28, 'reserved'],
  [v6('2001:20::'), 28, 'reserved'],
  [v6('2001:db8::'), 32, 'reserved'],
  [v6('2002::'), 16, 'reserved'],
  [v6('3fff::'), 20, 'reserved'],
  [v6('5f00::'), 16, 'reserved'],
  [v6('fc00::'), 7, 'unique_local'],
  [v6('fe80::'), 10, 'link_local'],
  [v6('fec0::'), 10, 'reserved'],
  [v6('ff00::'), 8, 'multicast'],
];

function classIn(value: bigint, bits: number, ranges: readonly Range[]): AddressClass | undefined {
  for (const [base, prefix, cls] of ranges) {
    const shift = BigInt(bits - prefix);
    if (value >> shift === base >> shift) return cls;
  }
  return undefined;
}

/**
 * Classifies an IP address given in canonical text (a dotted quad, or IPv6
 * without brackets). Only `public` addresses may be connected to; IPv6 must
 * also lie in global unicast `2000::/3`.
 *
 * @example
 * ```ts
 * classifyAddress('169.254.169.254'); // 'metadata'
 * classifyAddress('::ffff:7f00:1'); // 'ipv4_embedded'
 * classifyAddress('93.184.216.34'); // 'public'
 * ```
 */
export function classifyAddress(text: string): AddressClass {
  const ipv4 = parseIpv4(text);
  if (ipv4 !== undefined) return classIn(ipv4, 32, IPV4_RANGES) ?? 'public';
  const ipv6 = parseIpv6(text);
  if (ipv6 === undefined) return 'invalid';
  const cls = classIn(ipv6, 128, IPV6_RANGES);
  if (cls !== undefined) return cls;
  return ipv6 >> 125n === 1n ? 'public' : 'reserved';
}
