import { LookupAddress, promises as dnsPromises } from 'node:dns';
import { STATUS_CODES } from 'node:http';
import { LookupFunction, isIP } from 'node:net';
import { Agent, request } from 'undici';
import { AddressPolicy } from './address.policy';
import { AddressRefusedError, StepFailure, errorMessage } from './engine.errors';

export const MAX_REDIRECTS = 5;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Header names (any case) that must not follow a redirect to another origin. */
  sensitiveHeaders?: readonly string[];
}

export interface HttpResponseData {
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
  truncated?: true;
}

export type HostResolver = (hostname: string, family: number) => Promise<LookupAddress[]>;

export interface SafeHttpClientOptions {
  /** null: every address is allowed (HTTP_STEP_ALLOW_PRIVATE=true). */
  policy: AddressPolicy | null;
  maxResponseBytes?: number;
  /** Replaces DNS, for tests. */
  resolve?: HostResolver;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ALWAYS_SENSITIVE = ['authorization', 'cookie', 'proxy-authorization'];

const systemResolver: HostResolver = (hostname, family) =>
  dnsPromises.lookup(hostname, { all: true, family: family === 4 || family === 6 ? family : 0 });

/**
 * Runs at connect time, for every new connection, so the addresses checked are exactly the
 * ones the socket uses: a DNS answer that changes between a check and the connect cannot slip through.
 */
function guardedLookup(policy: AddressPolicy, resolve: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, typeof options.family === 'number' ? options.family : 0).then(
      (addresses) => {
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
          return;
        }
        for (const { address } of addresses) {
          const category = policy(address);
          if (category) {
            callback(new AddressRefusedError(`${hostname} (${address})`, category), '');
            return;
          }
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function findRefusal(error: unknown): AddressRefusedError | null {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof AddressRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function toStepFailure(error: unknown): StepFailure {
  if (error instanceof StepFailure) return error;
  const refusal = findRefusal(error);
  if (refusal) return new StepFailure(refusal.message);
  if ((error as { code?: unknown })?.code === 'UND_ERR_INVALID_ARG') {
    return new StepFailure(`Invalid request: ${errorMessage(error)}`);
  }
  return new StepFailure(`Request failed: ${errorMessage(error)}`, { retryable: true });
}

function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json');
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** What browsers do: 303 turns anything but HEAD into GET, 301/302 turn POST into GET, 307/308 keep the method. */
function redirectMethod(status: number, method: HttpMethod): HttpMethod {
  if (status === 303) return method === 'HEAD' ? 'HEAD' : 'GET';
  if ((status === 301 || status === 302) && method === 'POST') return 'GET';
  return method;
}

type ResponseBody = AsyncIterable<Buffer> & { destroy(): void; on(event: 'error', listener: () => void): unknown };

function discard(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}

export function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`;
}

/** An undici client that enforces the address policy on every hop and bounds response size. */
export class SafeHttpClient {
  private readonly agent: Agent;
  private readonly policy: AddressPolicy | null;
  private readonly maxResponseBytes: number;

  constructor(options: SafeHttpClientOptions) {
    this.policy = options.policy;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const lookup = options.policy ? guardedLookup(options.policy, options.resolve ?? systemResolver) : undefined;
    this.agent = new Agent({ connect: lookup ? { lookup } : {} });
  }

  /** Follows up to MAX_REDIRECTS redirects itself so that every hop passes the same checks. */
  async send(initial: HttpRequest, signal: AbortSignal): Promise<HttpResponseData> {
    let { method, url, body } = initial;
    const headers = { ...initial.headers };
    const sensitive = new Set([...ALWAYS_SENSITIVE, ...(initial.sensitiveHeaders ?? []).map((name) => name.toLowerCase())]);
    try {
      for (let hop = 0; ; hop++) {
        this.checkTarget(url);
        const response = await request(url, { method, headers, body, signal, dispatcher: this.agent });
        const location = firstHeader(response.headers.location);
        if (!REDIRECT_STATUSES.has(response.statusCode) || !location) {
          return await this.readResponse(response.statusCode, response.headers, response.body, method);
        }
        discard(response.body);
        if (hop === MAX_REDIRECTS) throw new StepFailure(`Too many redirects (more than ${MAX_REDIRECTS})`);
        const next = URL.canParse(location, url) ? new URL(location, url) : null;
        if (!next) throw new StepFailure(`${statusLine(response.statusCode)} redirected to an invalid URL`);
        if (next.origin !== url.origin) {
          for (const name of Object.keys(headers)) if (sensitive.has(name.toLowerCase())) delete headers[name];
        }
        const nextMethod = redirectMethod(response.statusCode, method);
        if (nextMethod !== method) {
          method = nextMethod;
          body = undefined;
          for (const name of Object.keys(headers)) if (/^content-/i.test(name)) delete headers[name];
        }
        url = next;
      }
    } catch (error) {
      throw toStepFailure(error);
    }
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }

  private checkTarget(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new StepFailure(`Unsupported URL scheme ${url.protocol} (only http and https)`);
    }
    if (!this.policy) return;
    // IP literals never reach the lookup hook, so they are judged here; URL parsing has
    // already turned decimal, octal and hex IPv4 spellings into dotted quads.
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host) === 0) return;
    const category = this.policy(host);
    if (category) throw new AddressRefusedError(host, category);
  }

  private async readResponse(
    status: number,
    rawHeaders: Record<string, string | string[] | undefined>,
    stream: ResponseBody,
    method: HttpMethod,
  ): Promise<HttpResponseData> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(rawHeaders)) if (value !== undefined) headers[name] = value;
    // Aborts and early exits make undici emit an error on the body; it is already handled through the iteration.
    stream.on('error', () => undefined);
    if (method === 'HEAD') {
      discard(stream);
      return { status, headers, body: null };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of stream) {
      if (size + chunk.length > this.maxResponseBytes) {
        chunks.push(chunk.subarray(0, this.maxResponseBytes - size));
        truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (truncated) return { status, headers, body: text, truncated: true };
    if (isJsonMediaType(firstHeader(headers['content-type']))) {
      if (text.trim() === '') return { status, headers, body: null };
      try {
        return { status, headers, body: JSON.parse(text) as unknown };
      } catch {
        return { status, headers, body: text };
      }
    }
    return { status, headers, body: text };
  }
}
