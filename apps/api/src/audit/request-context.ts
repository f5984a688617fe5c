import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';

/** Who sent the request an audit row is written for. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

const MAX_USER_AGENT = 512;
const storage = new AsyncLocalStorage<RequestContext>();

export const NO_REQUEST_CONTEXT: RequestContext = { ip: null, userAgent: null, requestId: null };

/** A Fastify request, or the Node request middleware sees (middie copies `ip` and `id` onto it). */
interface IdentifiedRequest {
  ip?: string;
  id?: unknown;
  headers?: IncomingHttpHeaders;
}

export function requestContextOf(request: IdentifiedRequest): RequestContext {
  const userAgent = request.headers?.['user-agent'];
  return {
    // request.ip honours TRUST_PROXY: a client cannot choose it with X-Forwarded-For unless a proxy is trusted.
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT) : null,
    requestId: request.id === undefined || request.id === null ? null : String(request.id),
  };
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}
