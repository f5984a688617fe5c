/**
 * Which destination addresses an http step may reach. A policy returns null for an
 * allowed address, else the category used in the refusal message.
 */
export type AddressPolicy = (address: string) => string | null;

const LOCAL = 'private or loopback';
const RESERVED = 'reserved';

interface Ipv4Range {
  base: number;
  prefix: number;
  category: string;
}

interface Ipv6Range {
  base: bigint;
  prefix: number;
  category: string;
}

// First match wins, so narrow ranges come before the ones that contain them.
const IPV4_RANGES: readonly Ipv4Range[] = [
  ['169.254.169.254/32', 'cloud metadata'],
  ['168.63.129.16/32', 'cloud metadata'],
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', LOCAL],
  ['100.64.0.0/10', 'shared (CGNAT)'],
  ['127.0.0.0/8', LOCAL],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', LOCAL],
  ['192.0.0.0/24', RESERVED],
  ['192.0.2.0/24', RESERVED],
  ['192.88.99.0/24', RESERVED],
  ['192.168.0.0/16', LOCAL],
  ['198.18.0.0/15', RESERVED],
  ['198.51.100.0/24', RESERVED],
  ['203.0.113.0/24', RESERVED],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', RESERVED],
].map(([cidr, category]) => {
  const [address, prefix] = cidr.split('/');
  return { base: parseIpv4(address) as number, prefix: Number(prefix), category };
});

const IPV6_RANGES: readonly Ipv6Range[] = [
  ['::/128', 'unspecified'],
  ['::1/128', LOCAL],
  ['fd00:ec2::254/128', 'cloud metadata'],
  ['fc00::/7', LOCAL],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
  ['2001::/23', RESERVED],
  ['2001:db8::/32', RESERVED],
  ['3fff::/20', RESERVED],
].map(([cidr, category]) => {
  const [address, prefix] = cidr.split('/');
  return { base: parseIpv6(address) as bigint, prefix: Number(prefix), category };
});

const MAPPED_PREFIX = parseIpv6('::ffff:0:0') as bigint;
const NAT64_PREFIX = parseIpv6('64:ff9b::') as bigint;
const SIX_TO_FOUR_PREFIX = parseIpv6('2002::') as bigint;
const GLOBAL_UNICAST = parseIpv6('2000::') as bigint;

/** Strict dotted-quad decimal (what URL parsing and DNS produce), as an unsigned 32-bit number. */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Any RFC 4291 text form, including an embedded dotted quad and a zone id, as a 128-bit number. */
export function parseIpv6(text: string): bigint | null {
  const address = text.split('%')[0];
  if (!/^[0-9A-Fa-f:.]+$/.test(address)) return null;
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const toGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === null) return null;
        groups.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) {
        groups.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return groups;
  };
  const head = toGroups(halves[0]);
  const tail = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 2 && halves[0].includes('.')) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

function ipv4Category(value: number): string | null {
  for (const range of IPV4_RANGES) {
    const shift = 32 - range.prefix;
    if (Math.floor(value / 2 ** shift) === Math.floor(range.base / 2 ** shift)) return range.category;
  }
  return null;
}

function inPrefix(value: bigint, base: bigint, prefix: number): boolean {
  const shift = BigInt(128 - prefix);
  return value >> shift === base >> shift;
}

function ipv6Category(value: bigint): string | null {
  // Forms that carry an IPv4 address are judged by that address.
  if (inPrefix(value, MAPPED_PREFIX, 96) || inPrefix(value, NAT64_PREFIX, 96)) {
    return ipv4Category(Number(value & 0xffffffffn));
  }
  if (inPrefix(value, SIX_TO_FOUR_PREFIX, 16)) {
    return ipv4Category(Number((value >> 80n) & 0xffffffffn));
  }
  for (const range of IPV6_RANGES) {
    if (inPrefix(value, range.base, range.prefix)) return range.category;
  }
  // Everything outside global unicast (IPv4-compatible ::/96, site-local, discard, ...) is unassigned or special.
  return inPrefix(value, GLOBAL_UNICAST, 3) ? null : RESERVED;
}

/** The default policy: only publicly routable unicast addresses. Anything unparseable is refused. */
export const publicAddressesOnly: AddressPolicy = (address) => {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIpv4(bare);
  if (v4 !== null) return ipv4Category(v4);
  const v6 = parseIpv6(bare);
  if (v6 !== null) return ipv6Category(v6);
  return 'unrecognised';
};
