import { stdSerializers } from 'pino';

export const CENSOR = '[REDACTED]';
/** Property names that hold a secret wherever they sit in a logged object (compared lower-cased). */
const SECRET_NAMES = new Set([
  'password',
  'passwordhash',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'token',
  'key',
  'apikey',
  'x-api-key',
  'secret',
  'clientsecret',
  'authorization',
  'cookie',
  'set-cookie',
  'x-webhook-token',
  'stripe-signature',
  'data',
  'plaintext',
  'value',
]);
const MAX_DEPTH = 12;

function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase());
}

/**
 * A copy of `value` with every property whose name says secret censored, at any depth (pino's own redact
 * paths reach a fixed depth only). Objects are copied only where something changes, so a log line without
 * secrets costs one walk and no allocation. Class instances are left to their serializers (`redactedError`).
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Plain objects and arrays only: class instances (a request, a socket, an Error) are their serializers' to shape.
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      value.forEach((item, index) => {
        const redacted = redactDeep(item, depth + 1, seen);
        if (redacted !== item) (copy ??= [...value])[index] = redacted;
      });
      return copy ?? value;
    }
    let copy: Record<string, unknown> | null = null;
    for (const [name, item] of Object.entries(value)) {
      const redacted = isSecretName(name) && item !== undefined && item !== null ? CENSOR : redactDeep(item, depth + 1, seen);
      if (redacted !== item) (copy ??= { ...(value as Record<string, unknown>) })[name] = redacted;
    }
    return copy ?? value;
  } finally {
    seen.delete(value);
  }
}

/** pino's error serializer, then the same redaction: an error's own details (a `cause`, a `details` object) included. */
export function redactedError(error: Error): unknown {
  // The serializer returns an object of its own prototype: spread into a plain one so that it is walked.
  return redactDeep({ ...stdSerializers.err(error) });
}
