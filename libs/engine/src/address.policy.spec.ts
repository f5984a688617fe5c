import { parseIpv4, parseIpv6, publicAddressesOnly } from './address.policy';

describe('publicAddressesOnly', () => {
  it.each([
    ['127.0.0.1', 'private or loopback'],
    ['127.255.255.254', 'private or loopback'],
    ['10.0.0.1', 'private or loopback'],
    ['10.255.255.255', 'private or loopback'],
    ['172.16.0.1', 'private or loopback'],
    ['172.31.255.255', 'private or loopback'],
    ['192.168.1.1', 'private or loopback'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['203.0.113.5', 'reserved'],
    ['::1', 'private or loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private or loopback'],
    ['fd12:3456::1', 'private or loopback'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'private or loopback'],
    ['::ffff:7f00:1', 'private or loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private or loopback'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::127.0.0.1', 'reserved'],
    ['::7f00:1', 'reserved'],
    ['64:ff9b::7f00:1', 'private or loopback'],
    ['2002:7f00:1::1', 'private or loopback'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['fec0::1', 'reserved'],
    ['100::1', 'reserved'],
    ['[::1]', 'private or loopback'],
  ])('refuses %s (%s)', (address, category) => {
    expect(publicAddressesOnly(address)).toBe(category);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '192.169.0.1',
    '11.0.0.1',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(publicAddressesOnly(address)).toBeNull();
  });

  it.each(['localhost', '2130706433', '0x7f.0.0.1', '017700000001', '127.1', '1.2.3', '', 'fe80::1::2', '1:2:3:4:5:6:7:8:9', '12345::'])(
    'refuses the non-canonical text %j',
    (text) => {
      expect(publicAddressesOnly(text)).not.toBeNull();
    },
  );
});

describe('address parsing', () => {
  it('parses dotted quads strictly', () => {
    expect(parseIpv4('192.168.0.1')).toBe(0xc0a80001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('01.2.3.4')).toBeNull();
    expect(parseIpv4('256.1.1.1')).toBeNull();
    expect(parseIpv4('1.2.3.4.5')).toBeNull();
  });

  it('parses every IPv6 text form to the same number', () => {
    const expected = parseIpv6('0:0:0:0:0:ffff:7f00:1');
    expect(parseIpv6('::ffff:127.0.0.1')).toBe(expected);
    expect(parseIpv6('::FFFF:7F00:0001')).toBe(expected);
    expect(parseIpv6('::')).toBe(0n);
    expect(parseIpv6('1::')).toBe(1n << 112n);
    expect(parseIpv6('1.2.3.4::')).toBeNull();
    expect(parseIpv6(':::1')).toBeNull();
    expect(parseIpv6('1:2:3:4:5:6:7::8')).toBeNull();
  });
});
