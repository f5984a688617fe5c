import { LookupAddress } from 'node:dns';
import { AddressPolicy, publicAddressesOnly } from './address.policy';
import { StepFailure } from './engine.errors';
import { LocalHttpServer, sendJson, startCanary, startLocalServer } from './local-http-server.testing';
import { HostResolver, HttpRequest, SafeHttpClient } from './safe-http.client';

const never = new AbortController().signal;

function get(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url: new URL(url), headers: {}, ...extra };
}

describe('SafeHttpClient redirects under the address policy', () => {
  let canary: LocalHttpServer;
  let target: LocalHttpServer;
  let client: SafeHttpClient;
  const redirectTo = { location: '' };

  beforeAll(async () => {
    canary = await startCanary();
    // The one loopback address this test's policy lets through, standing in for a public server.
    target = await startLocalServer((request, response) => {
      if (request.url === '/ok') return sendJson(response, 200, { reached: true });
      response.writeHead(302, { location: redirectTo.location }).end();
    }, '127.0.0.2');
    const resolve: HostResolver = async (hostname): Promise<LookupAddress[]> => {
      const table: Record<string, LookupAddress[]> = {
        'public.test': [{ address: '127.0.0.2', family: 4 }],
        'rebind.test': [
          { address: '93.184.216.34', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ],
        'metadata.test': [{ address: 'fd00:ec2::254', family: 6 }],
        localhost: [{ address: '127.0.0.1', family: 4 }],
      };
      if (table[hostname]) return table[hostname];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    const policy: AddressPolicy = (address) => (address === '127.0.0.2' ? null : publicAddressesOnly(address));
    client = new SafeHttpClient({ policy, resolve });
  });

  afterAll(async () => {
    await client.close();
    await Promise.all([canary.close(), target.close()]);
  });

  it('reaches an allowed host through the guarded lookup', async () => {
    const response = await client.send(get(`http://public.test:${target.port}/ok`), never);
    expect(response).toMatchObject({ status: 200, body: { reached: true } });
  });

  it.each([
    [
      'an IP literal',
      () => `http://127.0.0.1:${canary.port}/`,
      /Refused to connect to 127\.0\.0\.1: private or loopback addresses are not allowed/,
    ],
    ['localhost', () => `http://localhost:${canary.port}/`, /Refused to connect to localhost \(127\.0\.0\.1\)/],
    ['a decimal IPv4 spelling', () => `http://2130706433:${canary.port}/`, /Refused to connect to 127\.0\.0\.1/],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${canary.port}/`, /Refused to connect to ::ffff:7f00:1/],
    [
      'a name with one private address among public ones',
      () => `http://rebind.test:${canary.port}/`,
      /Refused to connect to rebind\.test \(127\.0\.0\.1\)/,
    ],
    ['a name resolving to the metadata service', () => `http://metadata.test:${canary.port}/`, /cloud metadata addresses are not allowed/],
  ])('refuses a redirect hop to %s', async (_name, location, message) => {
    redirectTo.location = location();
    const failure = client.send(get(`http://public.test:${target.port}/start`), never);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toMatchObject({ retryable: false });
    expect(target.requests.at(-1)?.url).toBe('/start');
    expect(canary.connections()).toBe(0);
  });

  it('refuses a redirect to another scheme', async () => {
    redirectTo.location = 'file:///etc/passwd';
    await expect(client.send(get(`http://public.test:${target.port}/start`), never)).rejects.toThrow(/Unsupported URL scheme file:/);
  });
});

describe('SafeHttpClient without the address policy', () => {
  let server: LocalHttpServer;
  let other: LocalHttpServer;
  let client: SafeHttpClient;

  beforeAll(async () => {
    other = await startLocalServer((request, response) => sendJson(response, 200, { headers: request.headers }));
    server = await startLocalServer((request, response) => {
      const url = new URL(request.url, 'http://x');
      const hops = Number(url.searchParams.get('hops') ?? 0);
      if (url.pathname === '/chain') {
        if (hops === 0) return sendJson(response, 200, { done: true });
        response.writeHead(302, { location: `/chain?hops=${hops - 1}` }).end();
      } else if (url.pathname === '/see-other') {
        response.writeHead(303, { location: '/echo' }).end();
      } else if (url.pathname === '/away') {
        response.writeHead(307, { location: `${other.origin}/echo` }).end();
      } else if (url.pathname === '/stay') {
        response.writeHead(307, { location: '/echo' }).end();
      } else if (url.pathname === '/big') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ data: 'x'.repeat(5000) }));
      } else if (url.pathname === '/text') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('{"not":"parsed"}');
      } else {
        sendJson(response, 200, { method: request.method, body: request.body, headers: request.headers });
      }
    });
    client = new SafeHttpClient({ policy: null, maxResponseBytes: 1000 });
  });

  afterAll(async () => {
    await client.close();
    await Promise.all([server.close(), other.close()]);
  });

  it('follows up to 5 redirects and refuses the sixth', async () => {
    await expect(client.send(get(`${server.origin}/chain?hops=5`), never)).resolves.toMatchObject({ status: 200, body: { done: true } });
    const failure = client.send(get(`${server.origin}/chain?hops=6`), never);
    await expect(failure).rejects.toThrow('Too many redirects (more than 5)');
    await expect(failure).rejects.toBeInstanceOf(StepFailure);
  });

  it('turns a POST into a GET without body on 303', async () => {
    const response = await client.send(
      { method: 'POST', url: new URL(`${server.origin}/see-other`), headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
      never,
    );
    expect(response.body).toMatchObject({ method: 'GET', body: '' });
    expect((response.body as { headers: Record<string, string> }).headers['content-type']).toBeUndefined();
  });

  it('drops credential headers on a redirect to another origin only', async () => {
    const headers = { authorization: 'Bearer secret-token', 'X-Api-Key': 'k-123456', 'X-Plain': 'kept' };
    const request = (path: string): HttpRequest => ({
      method: 'GET',
      url: new URL(`${server.origin}${path}`),
      headers,
      sensitiveHeaders: ['X-Api-Key'],
    });
    const away = (await client.send(request('/away'), never)).body as { headers: Record<string, string> };
    expect(away.headers).not.toHaveProperty('authorization');
    expect(away.headers).not.toHaveProperty('x-api-key');
    expect(away.headers['x-plain']).toBe('kept');
    const stay = (await client.send(request('/stay'), never)).body as { headers: Record<string, string> };
    expect(stay.headers).toMatchObject({ authorization: 'Bearer secret-token', 'x-api-key': 'k-123456' });
  });

  it('keeps the first bytes of a body over the limit and marks it truncated', async () => {
    const response = await client.send(get(`${server.origin}/big`), never);
    expect(response.truncated).toBe(true);
    expect(response.body).toHaveLength(1000);
    expect(response.body as string).toMatch(/^\{"data":"xxx/);
  });

  it('parses JSON only when the content type says so, and reads no body for HEAD', async () => {
    await expect(client.send(get(`${server.origin}/text`), never)).resolves.toMatchObject({ body: '{"not":"parsed"}' });
    await expect(client.send({ ...get(`${server.origin}/echo`), method: 'HEAD' }, never)).resolves.toMatchObject({
      status: 200,
      body: null,
    });
  });

  it('reports network errors as retryable', async () => {
    const closed = await startLocalServer(() => undefined);
    await closed.close();
    await expect(client.send(get(`${closed.origin}/`), never)).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/^Request failed: .*ECONNREFUSED/),
    });
  });
});
