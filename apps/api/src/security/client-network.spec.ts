import { clientNetwork } from './client-network';

describe('clientNetwork: what one per-address budget covers', () => {
  it('an IPv4 address is itself, mapped or not', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('an IPv6 address stands for its /64, however it is written', () => {
    const network = '2001:db8:85a3:8d3::/64';
    for (const address of [
      '2001:db8:85a3:8d3::1',
      '2001:0db8:85a3:08d3:ffff:ffff:ffff:ffff',
      '2001:DB8:85A3:8D3:0:0:0:2',
      '2001:db8:85a3:8d3::1%eth0',
    ])
      expect(clientNetwork(address)).toBe(network);
    expect(clientNetwork('2001:db8:85a3:8d4::1')).not.toBe(network);
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork('2001:db8::')).toBe('2001:db8:0:0::/64');
  });
});
