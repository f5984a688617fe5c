import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network a client address stands for in a per-address budget: an IPv4 address itself, an IPv6
 * address's /64 (one subscriber's usual allocation, so rotating addresses inside it buys no fresh budget).
 * An IPv4-mapped IPv6 address is its IPv4 address.
 */
export function clientNetwork(ip: string): string {
  const address = ip.split('%', 1)[0].toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::', 2);
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
