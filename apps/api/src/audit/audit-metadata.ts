/** Key names whose values are secrets or may hold one; dropped from audit metadata wherever they appear. */
const SECRET_KEYS = new Set([
  'password',
  'passwordhash',
  'token',
  'accesstoken',
  'secret',
  'key',
  'apikey',
  'data',
  'authorization',
  'cookie',
  'value',
  'ciphertext',
  'iv',
  'authtag',
]);
const MAX_DEPTH = 4;
const MAX_STRING = 500;

/** A defensive copy of audit metadata: secret-named keys removed, strings bounded, depth bounded. */
export function scrubAuditMetadata(metadata: Record<string, unknown> | undefined): Record<string, unknown> {
  return (scrub(metadata ?? {}, 0) as Record<string, unknown> | undefined) ?? {};
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => scrub(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''))) continue;
    if (item !== undefined) result[key] = scrub(item, depth + 1);
  }
  return result;
}
