import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC_ROUTES } from '../support/public-routes';
import { startStack, TestStack } from '../support/test-api';

interface Operation {
  security?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('every route is public by name or guarded', () => {
  let stack: TestStack;
  let operations: { route: string; path: string; method: string; operation: Operation }[];

  beforeAll(async () => {
    stack = await startStack();
    const document = (await stack.api.http.get('/docs-json')).body as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, path, method, operation })),
    );
  });
  afterAll(() => stack?.close());

  it('documents the public routes, and every other operation declares bearer and api-key security', () => {
    for (const route of PUBLIC_ROUTES) expect(operations.map((op) => op.route)).toContain(route);
    for (const { route, operation } of operations) {
      if (PUBLIC_ROUTES.has(route)) {
        const userSchemes = (operation.security ?? []).filter(
          (scheme) => 'bearer' in (scheme as object) || 'api-key' in (scheme as object),
        );
        expect({ route, security: userSchemes }).toEqual({ route, security: [] });
      } else {
        expect({ route, security: operation.security }).toEqual({
          route,
          security: expect.arrayContaining([{ bearer: [] }, { 'api-key': [] }]),
        });
      }
    }
  });

  it('answers 401 without credentials on every operation that is not public', async () => {
    const guarded = operations.filter(({ route }) => !PUBLIC_ROUTES.has(route));
    expect(guarded.length).toBeGreaterThan(3);
    for (const { route, path, method } of guarded) {
      const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const response = await stack.api.http.request(
        method.toUpperCase(),
        concrete,
        method === 'get' || method === 'delete' ? undefined : {},
      );
      expect({ route, status: response.status }).toEqual({ route, status: 401 });
    }
  });

  it('every operation that takes a body documents the 400 a malformed JSON body gets, and the 413 of a body over 1 MB', () => {
    const withBody = operations.filter(({ operation }) => operation.requestBody !== undefined);
    expect(withBody.map(({ route }) => route)).toContain('POST /hooks/{workflowId}');
    for (const { route, operation } of withBody) {
      const documented = Object.keys(operation.responses ?? {}).filter((status) => status === '400' || status === '413');
      expect({ route, documented: documented.includes('400') }).toEqual({ route, documented: true });
    }
  });

  it('a malformed JSON body on the webhook route gets the 400 its document promises', async () => {
    const response = await stack.api.http.post('/hooks/00000000-0000-4000-8000-000000000000', undefined, {
      raw: '{"not json',
      headers: { 'content-type': 'application/json', 'x-webhook-token': 'whk_x' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_JSON' });
  });

  it('no controller hides a route from the OpenAPI document, so the checks above see them all', () => {
    const hidden = sourceFiles(join(__dirname, '..', '..', 'apps', 'api', 'src')).filter((file) =>
      /ApiExclude(Endpoint|Controller)/.test(readFileSync(file, 'utf8')),
    );
    expect(hidden).toEqual([]);
  });
});
