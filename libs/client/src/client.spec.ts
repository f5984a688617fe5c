import { createFlowlineClient, FlowlineApiError } from '@flowline/client';

/** A fetch that records requests and answers from a function (no network). */
function fakeFetch(answer: (request: Request) => Response) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return answer(request);
  };
  return { fetch, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('FlowlineClient (unit, fake fetch)', () => {
  it('sends the token as Bearer, else the API key, and a token from login() replaces both', async () => {
    const { fetch, requests } = fakeFetch((request) =>
      request.url.endsWith('/auth/login') ? json(200, { accessToken: 'jwt-2', tokenType: 'Bearer', expiresIn: 3600 }) : json(200, {}),
    );
    const flowline = createFlowlineClient({ baseUrl: 'http://api.test/', apiKey: 'key-1', fetch });
    await flowline.GET('/users/me');
    await flowline.login({ email: 'a@example.com', password: 'password-123' });
    await flowline.GET('/users/me');
    expect(requests.map((r) => [r.url, r.headers.get('authorization'), r.headers.get('x-api-key')])).toEqual([
      ['http://api.test/users/me', null, 'key-1'],
      ['http://api.test/auth/login', null, 'key-1'],
      ['http://api.test/users/me', 'Bearer jwt-2', null],
    ]);
  });

  it('throws FlowlineApiError with the body code, limit, current and Retry-After in seconds', async () => {
    const { fetch } = fakeFetch(() =>
      json(
        429,
        { statusCode: 429, error: 'Too Many Requests', message: 'at the limit', code: 'CONCURRENCY_LIMIT', limit: 2, current: 2 },
        { 'retry-after': '5', 'x-request-id': 'req-1' },
      ),
    );
    const flowline = createFlowlineClient({ baseUrl: 'http://api.test', token: 't', fetch });
    const error = await flowline.POST('/run/async', { body: { workflowId: 'w' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlowlineApiError);
    expect(error).toMatchObject({
      status: 429,
      code: 'CONCURRENCY_LIMIT',
      message: 'at the limit',
      limit: 2,
      current: 2,
      retryAfter: 5,
      requestId: 'req-1',
    });
  });

  it('an answer without the contract body still throws, with code HTTP_<status>; a 204 resolves to undefined', async () => {
    const { fetch } = fakeFetch((request) =>
      request.method === 'DELETE' ? new Response(null, { status: 204 }) : new Response('<html>bad gateway</html>', { status: 502 }),
    );
    const flowline = createFlowlineClient({ baseUrl: 'http://api.test', token: 't', fetch });
    await expect(flowline.GET('/regions')).rejects.toMatchObject({ status: 502, code: 'HTTP_502', message: '<html>bad gateway</html>' });
    await expect(flowline.DELETE('/workflows/{id}', { params: { path: { id: 'w' } } })).resolves.toBeUndefined();
  });

  it('pages() walks page 1.. until total, keeping the other query parameters; listAll() concatenates the items', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const { fetch, requests } = fakeFetch((request) => {
      const url = new URL(request.url);
      const page = Number(url.searchParams.get('page'));
      const limit = Number(url.searchParams.get('limit'));
      const items = names.slice((page - 1) * limit, page * limit).map((name) => ({ name }));
      return json(200, { items, total: names.length, page, limit });
    });
    const flowline = createFlowlineClient({ baseUrl: 'http://api.test', token: 't', fetch });
    expect((await flowline.listAll('/workflows', { limit: 2 })).map((item) => item.name)).toEqual(names);
    expect(requests.map((r) => new URL(r.url).search)).toEqual(['?limit=2&page=1', '?limit=2&page=2', '?limit=2&page=3']);
  });
});
