import { Attributes, SpanKind } from '@opentelemetry/api';

/**
 * What a span may carry out of the process, whoever set it (our code or an instrumentation): an allowlist, so an
 * attribute a future instrumentation version adds is dropped until someone decides it is safe. Values of the keys
 * kept are ids, routes, methods, status codes, peers and SQL text with placeholders; never inputs, outputs, header
 * values, query strings or error messages (those may quote any of them).
 */
const KEPT_KEYS = new Set([
  'http.method',
  'http.request.method',
  'http.status_code',
  'http.response.status_code',
  'http.route',
  'http.scheme',
  'http.flavor',
  'http.host',
  'http.user_agent',
  'user_agent.original',
  'url.scheme',
  'server.address',
  'server.port',
  'client.address',
  'network.transport',
  'network.protocol.name',
  'network.protocol.version',
  'network.peer.address',
  'network.peer.port',
  'net.transport',
  'net.host.name',
  'net.host.port',
  'net.peer.name',
  'net.peer.port',
  'net.peer.ip',
  'error.type',
  'db.system',
  'db.system.name',
  'db.name',
  'db.namespace',
  'db.user',
  'db.operation',
  'db.operation.name',
  'db.statement',
  'db.query.text',
  'db.redis.database_index',
  'messaging.system',
  'messaging.destination.name',
  'messaging.operation.type',
  'messaging.message.id',
  'fastify.type',
  'fastify.root',
]);
/** Hold a whole URL: exported as its origin (client spans: the path of a caller's URL may itself be a secret). */
const URL_KEYS = new Set(['url.full', 'http.url', 'db.connection_string']);
/** Hold a path and query of a request this service received: exported as the path alone. */
const PATH_KEYS = new Set(['url.path', 'http.target']);
const OWN_PREFIX = 'flowline.';
const EVENT_KEPT_KEYS = new Set(['exception.type']);

function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
  } catch {
    return undefined;
  }
}

function pathOf(value: string): string {
  return value.split(/[?#]/, 1)[0];
}

function isRedis(attributes: Attributes): boolean {
  return attributes['db.system'] === 'redis' || attributes['db.system.name'] === 'redis';
}

/** The attributes of a span as exported. */
export function exportableAttributes(attributes: Attributes, kind: SpanKind): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (key.startsWith(OWN_PREFIX) || KEPT_KEYS.has(key)) kept[key] = value;
    else if (URL_KEYS.has(key) && typeof value === 'string') {
      const origin = originOf(value);
      if (origin) kept[key] = origin;
    } else if (PATH_KEYS.has(key) && typeof value === 'string' && kind === SpanKind.SERVER) kept[key] = pathOf(value);
  }
  // A Redis command's arguments are job data, counters and keys: only the command's name is kept.
  for (const key of ['db.statement', 'db.query.text']) {
    if (isRedis(attributes) && typeof kept[key] === 'string') kept[key] = (kept[key] as string).split(' ', 1)[0];
  }
  return kept;
}

/** An event's attributes as exported: an exception keeps its type, not its message or stack (they may quote values). */
export function exportableEventAttributes(attributes: Attributes | undefined): Attributes | undefined {
  if (!attributes) return attributes;
  return Object.fromEntries(Object.entries(attributes).filter(([key]) => EVENT_KEPT_KEYS.has(key)));
}
