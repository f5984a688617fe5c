import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import { FlowlineApiError } from './errors';
import type { paths } from './generated/openapi';

/**
 * Everything here is derived from `paths` (the endpoints of the contract), never from the document's schema
 * names, so a regenerated document with stricter or renamed schemas needs no change in this file.
 */
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Media = `${string}/${string}`;

/** The paths that have an operation for `M`. */
export type PathsWith<M extends Method> = { [P in keyof paths]: paths[P] extends { [K in M]: unknown } ? P : never }[keyof paths];

// As openapi-fetch decides whether the init argument is required (its InitParam is not exported).
type RequiredKeysOfHelper<T> = { [K in keyof T]: object extends Pick<T, K> ? never : K }[keyof T];
type RequiredKeysOf<T> = RequiredKeysOfHelper<T> extends undefined ? never : RequiredKeysOfHelper<T>;
type InitParam<Init> = RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

type Operation<P extends keyof paths, M extends Method> = paths[P][M] & Record<string | number, unknown>;
type Data<P extends keyof paths, M extends Method, I = object> = NonNullable<FetchResponse<Operation<P, M>, I, Media>['data']>;
/** What a successful call resolves to: the 2xx body (a union when an operation has several), void for 204. */
export type Result<P extends keyof paths, M extends Method, I = object> = [Data<P, M, I>] extends [never] ? void : Data<P, M, I>;
/** The JSON request body of an operation. */
export type RequestBody<P extends keyof paths, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

type Call<M extends Method> = <P extends PathsWith<M>, I extends MaybeOptionalInit<paths[P], M>>(
  url: P,
  ...init: InitParam<I>
) => Promise<Result<P, M, I>>;

/** List endpoints: their 200 body is the contract's page `{items, total, page, limit}`. */
interface PageShape {
  items: readonly unknown[];
  total: number;
  page: number;
  limit: number;
}
export type PagedPath = { [P in PathsWith<'get'>]: Data<P, 'get'> extends PageShape ? P : never }[PathsWith<'get'>];
export type Page<P extends PagedPath> = Data<P, 'get'>;
export type PageItem<P extends PagedPath> = Page<P> extends { items: readonly (infer T)[] } ? T : never;
/** A list endpoint's query without `page` (the iterator owns it). */
export type ListQuery<P extends PagedPath> = paths[P]['get'] extends { parameters: { query?: infer Q } }
  ? Omit<NonNullable<Q>, 'page'>
  : never;

export interface FlowlineClientOptions {
  /** The api's origin, e.g. `https://flowline.example.com`. */
  baseUrl: string;
  /** A JWT (from login(), register() or the OIDC callback): sent as `Authorization: Bearer`. */
  token?: string;
  /** An API key (POST /api-keys): sent as `X-API-Key`. A token, when both are set, wins. */
  apiKey?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Another fetch (tests, proxies, instrumentation). */
  fetch?: (input: Request) => Promise<Response>;
}

/**
 * The Flowline api. `GET`, `POST`, `PATCH`, `PUT` and `DELETE` take the contract's paths and resolve to the
 * typed 2xx body; any other answer throws `FlowlineApiError`. `raw` is the underlying openapi-fetch client
 * (answers as `{data, error, response}`, nothing thrown), with the same authentication.
 */
export class FlowlineClient {
  readonly raw: Client<paths, Media>;
  private token: string | null;
  private apiKey: string | null;

  constructor(options: FlowlineClientOptions) {
    this.token = options.token ?? null;
    this.apiKey = options.apiKey ?? null;
    this.raw = createClient<paths, Media>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: options.headers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.raw.use({
      onRequest: ({ request }) => {
        if (this.token) request.headers.set('Authorization', `Bearer ${this.token}`);
        else if (this.apiKey) request.headers.set('X-API-Key', this.apiKey);
        return request;
      },
    });
  }

  readonly GET: Call<'get'> = (url, ...init) => this.call('GET', url, init[0]);
  readonly POST: Call<'post'> = (url, ...init) => this.call('POST', url, init[0]);
  readonly PUT: Call<'put'> = (url, ...init) => this.call('PUT', url, init[0]);
  readonly PATCH: Call<'patch'> = (url, ...init) => this.call('PATCH', url, init[0]);
  readonly DELETE: Call<'delete'> = (url, ...init) => this.call('DELETE', url, init[0]);

  /** Uses this token from now on (null: none). */
  setToken(token: string | null): void {
    this.token = token;
  }

  /** Uses this API key from now on (null: none); a token, when set, still wins. */
  setApiKey(apiKey: string | null): void {
    this.apiKey = apiKey;
  }

  /** POST /auth/login; the client keeps the token for its next calls. */
  async login(body: RequestBody<'/auth/login', 'post'>): Promise<Result<'/auth/login', 'post'>> {
    const answer = await this.POST('/auth/login', { body });
    this.token = answer.accessToken;
    return answer;
  }

  /** POST /auth/register; the client keeps the new user's token for its next calls. */
  async register(body: RequestBody<'/auth/register', 'post'>): Promise<Result<'/auth/register', 'post'>> {
    const answer = await this.POST('/auth/register', { body });
    this.token = answer.accessToken;
    return answer;
  }

  /** Every page of a list endpoint, in order, from page 1 until `total` is reached. */
  async *pages<P extends PagedPath>(path: P, query?: ListQuery<P>): AsyncGenerator<Page<P>, void, undefined> {
    for (let page = 1; ; page++) {
      const answer: Page<P> = await this.call('GET', path, { params: { query: { ...query, page } } });
      yield answer;
      const shape = answer as unknown as PageShape;
      if (shape.items.length === 0 || shape.page * shape.limit >= shape.total) return;
    }
  }

  /** Every item of a list endpoint (all pages; pass `limit: 100` for fewer round trips). */
  async listAll<P extends PagedPath>(path: P, query?: ListQuery<P>): Promise<PageItem<P>[]> {
    const items: PageItem<P>[] = [];
    for await (const page of this.pages(path, query)) items.push(...((page as unknown as PageShape).items as PageItem<P>[]));
    return items;
  }

  private async call(method: Uppercase<Method>, url: string, init: unknown): Promise<never> {
    const send = this.raw[method] as unknown as (
      url: string,
      init: unknown,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    const { data, error, response } = await send(url, init);
    if (!response.ok) throw new FlowlineApiError(response.status, error, response.headers);
    return data as never;
  }
}

export function createFlowlineClient(options: FlowlineClientOptions): FlowlineClient {
  return new FlowlineClient(options);
}
