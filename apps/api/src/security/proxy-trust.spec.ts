import fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { proxyTrust } from './proxy-trust';

/** request.ip as the api sees it for a request from 127.0.0.1 carrying this X-Forwarded-For. */
async function clientIp(setting: boolean | number, forwardedFor: string): Promise<string> {
  const app = fastify({ trustProxy: proxyTrust(setting) });
  app.get('/', (request) => ({ ip: request.ip }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': forwardedFor } });
    return ((await response.json()) as { ip: string }).ip;
  } finally {
    await app.close();
  }
}

describe('TRUST_PROXY (Express semantics on Fastify)', () => {
  it('false: the socket peer, whatever X-Forwarded-For claims', async () => {
    expect(await clientIp(false, '1.1.1.1, 2.2.2.2')).toBe('127.0.0.1');
  });

  it('a number n: the address n proxies back', async () => {
    expect(await clientIp(1, '1.1.1.1, 2.2.2.2')).toBe('2.2.2.2');
    expect(await clientIp(2, '1.1.1.1, 2.2.2.2')).toBe('1.1.1.1');
  });

  it('true: the first address a client claims', async () => {
    expect(await clientIp(true, '1.1.1.1, 2.2.2.2')).toBe('1.1.1.1');
  });
});
