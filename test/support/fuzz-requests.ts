import fc from 'fast-check';
import { request as httpRequest } from 'node:http';

/** One operation of the OpenAPI document, as the fuzzer drives it. */
export interface FuzzOperation {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema }[];
  headers: string[];
  body: Schema | null;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was generated, for the failure report. */
  label: string;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

type Schema = Record<string, any>;

/** Values the fuzzer also tries wherever an id or token is expected: other users' among them. */
export interface FuzzPools {
  ids: string[];
  webhookTokens: string[];
  authorizations: Record<string, string>[];
}

const OUR_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(document: Schema): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries<Schema>(document.paths)) {
    for (const method of OUR_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters: Schema[] = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
      const content = operation.requestBody?.content ?? {};
      const json = content['application/json']?.schema ?? Object.values<Schema>(content)[0]?.schema ?? null;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        headers: parameters.filter((p) => p.in === 'header').map((p) => p.name),
        body: json ? resolve(document, json) : null,
      });
    }
  }
  return operations;
}

function resolve(document: Schema, schema: Schema, depth = 0): Schema {
  if (depth > 8 || !schema) return {};
  if (schema.$ref)
    return resolve(
      document,
      schema.$ref
        .split('/')
        .slice(1)
        .reduce((node: Schema, key: string) => node[key], document),
      depth + 1,
    );
  const merged: Schema = { ...schema };
  for (const part of schema.allOf ?? []) Object.assign(merged, resolve(document, part, depth + 1));
  delete merged.allOf;
  if (merged.properties)
    merged.properties = Object.fromEntries(
      Object.entries<Schema>(merged.properties).map(([key, value]) => [key, resolve(document, value, depth + 1)]),
    );
  if (merged.items) merged.items = resolve(document, merged.items, depth + 1);
  return merged;
}

const LONG = 'A'.repeat(70000);
/** SQL, template and expression syntax, path tricks, control and odd Unicode characters. */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(10)--',
  '$1',
  '{{ constructor.constructor("return process")().exit(1) }}',
  '{{ input.__proto__.polluted }}',
  '${process.exit(1)}',
  '#{7*7}',
  '<%= 7*7 %>',
  '$eval("$$")',
  '($x := function($n){ $x($n) }; $x(1))',
  '$string($)',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\ud800',
  '\u202e\u0645\ud83d\ude00',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '',
  ' ',
  LONG,
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '00000000-0000-0000-0000-000000000000',
];

const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 1.5, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Mostly well-formed values for a schema (so requests reach the services), hostile ones mixed in. */
export function valueFor(schema: Schema, pools: FuzzPools, depth = 0): fc.Arbitrary<unknown> {
  const plausible = plausibleFor(schema, pools, depth);
  return fc.oneof({ arbitrary: plausible, weight: 4 }, { arbitrary: hostileValue, weight: 1 });
}

function plausibleFor(schema: Schema, pools: FuzzPools, depth: number): fc.Arbitrary<unknown> {
  const nullable = schema.nullable ? [fc.constant(null)] : [];
  if (schema.enum) return fc.constantFrom(...schema.enum, ...(schema.nullable ? [null] : []));
  if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...pools.ids), fc.uuid());
  switch (schema.type) {
    case 'string':
      return fc.oneof(
        ...nullable,
        ...(schema.example !== undefined ? [fc.constant(schema.example)] : []),
        fc.constantFrom(...pools.ids),
        hostileString,
      );
    case 'number':
    case 'integer':
      return fc.oneof(...nullable, fc.integer({ min: -5, max: 150000 }), hostileNumber);
    case 'boolean':
      return fc.oneof(...nullable, fc.boolean());
    case 'array':
      if (!schema.items || schema.items.type === 'object')
        return fc.oneof(fc.constant(schema.example ?? []), fc.array(stepLike(), { maxLength: 4 }));
      return fc.array(valueFor(schema.items, pools, depth + 1), { maxLength: 4 });
    case 'object':
    default: {
      const properties = Object.entries<Schema>(schema.properties ?? {});
      if (properties.length === 0 || depth > 4)
        return fc.oneof(...nullable, fc.constant(schema.example ?? {}), fc.dictionary(hostileString, hostileValue, { maxKeys: 3 }));
      const model = Object.fromEntries(properties.map(([key, value]) => [key, valueFor(value, pools, depth + 1)]));
      return fc.oneof(...nullable, fc.record(model, { requiredKeys: [] }));
    }
  }
}

/** Workflow steps: right shapes with hostile expressions, templates, URLs and numbers. */
function stepLike(): fc.Arbitrary<unknown> {
  return fc.record(
    {
      id: fc.oneof(fc.constantFrom('a', 'b', 'step-1'), hostileString),
      type: fc.constantFrom('http', 'transform', 'condition', 'delay', 'exec', '__proto__'),
      params: fc.record(
        {
          method: fc.constantFrom('GET', 'POST', 'TRACE', 'CONNECT', ''),
          // Never a reachable address off this machine: the fuzz stack has no worker anyway.
          url: fc.constantFrom(
            'http://127.0.0.1:1/x',
            'http://169.254.169.254/latest/meta-data/',
            'file:///etc/passwd',
            'http://[::1]:1/',
            'javascript:alert(1)',
            '{{ input.url }}',
            '',
          ),
          expression: fc.oneof(fc.constantFrom('1 + 1', '$count(steps)', 'input.a.b.c', '$sum([1,2]', '{{ input }}'), hostileString),
          ms: hostileNumber,
          headers: fc.dictionary(hostileString, hostileString, { maxKeys: 2 }),
        },
        { requiredKeys: [] },
      ),
      retry: fc.option(fc.record({ attempts: hostileNumber, backoffMs: hostileNumber }, { requiredKeys: [] }), { nil: undefined }),
      timeoutMs: fc.option(hostileNumber, { nil: undefined }),
    },
    { requiredKeys: ['id', 'type', 'params'] },
  );
}

/** Body payloads that no schema describes: raw bytes, bad JSON, prototype keys, deep nesting, wrong types. */
const rawPayload: fc.Arbitrary<{ contentType: string | null; body: Buffer; what: string }> = fc.oneof(
  fc.constantFrom(
    {
      contentType: 'application/json',
      body: Buffer.from('{"__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"polluted":1}}}'),
      what: '__proto__ keys',
    },
    { contentType: 'application/json', body: Buffer.from('{"name":"x","name":"y","__proto__":null}'), what: 'duplicate keys' },
    { contentType: 'application/json', body: Buffer.from('{"name": "tr'), what: 'truncated JSON' },
    { contentType: 'application/json', body: Buffer.from('{"a":1,}'), what: 'trailing comma' },
    {
      contentType: 'application/json',
      body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]),
      what: 'invalid UTF-8 inside a string',
    },
    { contentType: 'application/json', body: Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x01]), what: 'invalid UTF-8 bytes' },
    { contentType: 'application/json; charset=utf-16', body: Buffer.from('{"a":1}', 'utf16le'), what: 'utf-16 charset' },
    { contentType: 'application/json; charset=latin1', body: Buffer.from('{"name":"\u00e9"}', 'latin1'), what: 'latin1 charset' },
    { contentType: 'application/json', body: Buffer.from(''), what: 'empty JSON body' },
    { contentType: 'application/json', body: Buffer.from('null'), what: 'null body' },
    { contentType: 'application/json', body: Buffer.from('"just a string"'), what: 'string body' },
    { contentType: 'application/json', body: Buffer.from('123456789012345678901234567890'), what: 'number body' },
    { contentType: 'application/json', body: Buffer.from(`{"name":"${'x'.repeat(1_100_000)}"}`), what: 'body over 1 MB' },
    {
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify({ name: 'n', steps: [], input: { big: 'y'.repeat(900_000) } })),
      what: 'field of 900 KB',
    },
    { contentType: 'text/plain', body: Buffer.from('{"name":"x"}'), what: 'text/plain' },
    { contentType: 'application/x-www-form-urlencoded', body: Buffer.from('name=x&steps[0][id]=a&__proto__[admin]=1'), what: 'form body' },
    {
      contentType: 'multipart/form-data; boundary=zz',
      body: Buffer.from('--zz\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--zz--\r\n'),
      what: 'multipart',
    },
    {
      contentType: 'application/xml',
      body: Buffer.from('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'),
      what: 'XML with an entity',
    },
    { contentType: null, body: Buffer.from('{"name":"x"}'), what: 'no content type' },
  ),
  fc.constantFrom(50, 100, 2000, 20000, 200000).chain((depth) =>
    fc.constantFrom(
      { contentType: 'application/json', body: Buffer.from('['.repeat(depth) + ']'.repeat(depth)), what: `arrays nested ${depth} deep` },
      {
        contentType: 'application/json',
        body: Buffer.from(
          `{"workflowId":"00000000-0000-0000-0000-000000000000","name":"n","steps":[],"input":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
        ),
        what: `objects nested ${depth} deep`,
      },
    ),
  ),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((value) => ({ contentType: 'application/json', body: Buffer.from(JSON.stringify(value) ?? 'null'), what: 'random JSON' })),
);

function pathWith(operation: FuzzOperation, values: string[]): string {
  let index = 0;
  return operation.path.replace(/\{[^}]+\}/g, () => values[index++] ?? '');
}

const hostilePathSegment = fc.oneof(
  hostileString.map((value) => percentEncode(value).slice(0, 2000)),
  fc.constantFrom('%E0%A4%A', '%', '%%30', '..%2F..%2Fadmin', '%2e%2e', 'users%00', '1%20OR%201=1'),
);

const hostileHeaderValue = fc.oneof(
  fc.constantFrom("' OR 1=1 --", '{{7*7}}', 'Bearer', 'Bearer ' + 'e'.repeat(8000), 'Basic YWRtaW46YWRtaW4=', '\t', '0'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((value) => value.replace(/[^\x20-\x7e]/g, '')),
);

// An unsigned token claiming to be an admin: must be rejected like any garbage.
const ALG_NONE = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"00000000-0000-0000-0000-000000000000","role":"admin"}').toString('base64url')}.`;

/** One generated request for an operation. */
export function requestFor(operation: FuzzOperation, pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  const pathValues = fc.array(
    fc.oneof(
      { arbitrary: fc.constantFrom(...pools.ids), weight: 3 },
      { arbitrary: fc.uuid(), weight: 1 },
      { arbitrary: hostilePathSegment, weight: 2 },
    ),
    {
      minLength: operation.pathParams.length,
      maxLength: operation.pathParams.length,
    },
  );
  const queryPairs = fc.array(
    fc.oneof(
      ...operation.query.map((parameter) => fc.tuple(fc.constant(parameter.name), valueFor(parameter.schema, pools).map(queryText))),
      fc.tuple(fc.constantFrom('page', 'limit', 'unknown', '__proto__', 'page[a]', 'limit[]'), hostileString),
    ),
    { maxLength: 4 },
  );
  const auth = fc.oneof(
    { arbitrary: fc.constantFrom(...pools.authorizations), weight: 6 },
    { arbitrary: fc.constant({}), weight: 1 },
    { arbitrary: hostileHeaderValue.map((value) => ({ authorization: value })), weight: 1 },
    { arbitrary: fc.constantFrom({ authorization: `Bearer ${ALG_NONE}` }, { 'x-api-key': "' OR 1=1 --" }), weight: 1 },
  );
  const extraHeaders = fc.record(
    {
      'x-webhook-token': fc.oneof(fc.constantFrom(...pools.webhookTokens), hostileHeaderValue),
      'stripe-signature': hostileHeaderValue,
      'x-forwarded-for': fc.constantFrom('127.0.0.1', '10.0.0.1, 1.1.1.1', 'not-an-ip', "' OR 1=1"),
      'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-unknown'),
      'x-request-id': hostileHeaderValue,
      accept: fc.constantFrom('application/xml', '*/*', 'text/html', ''),
    },
    { requiredKeys: [] },
  );
  const jsonBody = operation.body
    ? valueFor(operation.body, pools).map((value) => ({
        contentType: 'application/json' as string | null,
        body: Buffer.from(JSON.stringify(value) ?? 'null'),
        what: 'generated body',
      }))
    : fc.constant(null);
  const body = fc.oneof(
    { arbitrary: jsonBody, weight: operation.body ? 5 : 1 },
    { arbitrary: rawPayload, weight: 2 },
    { arbitrary: fc.constant(null), weight: 1 },
  );
  return fc.tuple(pathValues, queryPairs, auth, extraHeaders, body).map(([values, pairs, authorization, extra, payload]) => {
    const query = pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
    const headers = Object.fromEntries(
      Object.entries({ ...authorization, ...extra }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    if (!payload?.body.length || extra['content-encoding'] === 'identity') delete headers['content-encoding'];
    if (payload?.contentType) headers['content-type'] = payload.contentType;
    const path = pathWith(operation, values) + (query ? `?${query}` : '');
    const label = `${operation.method} ${path.length > 240 ? `${path.slice(0, 240)}…(${path.length} chars)` : path} body=${payload ? `${payload.what} ${payload.body.subarray(0, 120).toString()}` : 'none'} headers=${JSON.stringify(headers).slice(0, 200)}`;
    return { method: operation.method, path, headers, body: payload?.body, label };
  });
}

/** Like encodeURIComponent, but a lone surrogate becomes the invalid UTF-8 bytes it would be (ED A0 80), not an exception. */
function percentEncode(value: string): string {
  return value.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (char) =>
    char.length === 1 && char >= '\ud800' && char <= '\udfff' ? '%ED%A0%80' : encodeURIComponent(char),
  );
}

function queryText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** Sends exactly these bytes and headers (fetch would refuse or rewrite some of them). */
export function send(baseUrl: string, request: FuzzRequest, timeoutMs = 20000): Promise<FuzzResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
