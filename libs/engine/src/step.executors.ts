import { StepFailure, errorMessage } from './engine.errors';
import { RunContext, RunOptions, StepDefinition } from './engine.types';
import { evaluateExpression, isTruthy } from './expression.evaluator';
import { HTTP_METHODS, HttpMethod, SafeHttpClient, statusLine } from './safe-http.client';
import { MAX_DELAY_MS } from './step-schema';
import { renderString, renderTemplates, stringifyValue } from './template.renderer';

const REDACTED = '[REDACTED]';

export interface AttemptContext {
  /** Aborted on cancel, on the overall timeout and on the attempt's own timeout. */
  signal: AbortSignal;
  /** Epoch ms by which the attempt must end (Infinity when unbounded). */
  deadline: number;
}

/** A step whose templates are rendered and credentials resolved, ready for one or more attempts. */
export interface PreparedStep {
  run(attempt: AttemptContext): Promise<unknown>;
  /** Masks secret values in an error message before it is recorded. */
  redact(text: string): string;
}

export interface ExecutorEnvironment {
  httpClient(): SafeHttpClient;
  resolveCredential?: RunOptions['resolveCredential'];
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function secretsOf(headers: Record<string, string>): string[] {
  const secrets = new Set<string>();
  for (const value of Object.values(headers)) {
    secrets.add(value);
    // `Bearer <token>` / `Basic <base64>`: the token alone may be echoed back too.
    const scheme = /^\S+\s+(\S+)$/.exec(value);
    if (scheme) secrets.add(scheme[1]);
  }
  return [...secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
}

function redactText(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, secrets)]));
  }
  return value;
}

async function credentialHeaders(credentialId: unknown, env: ExecutorEnvironment): Promise<Record<string, string>> {
  if (credentialId === undefined) return {};
  if (typeof credentialId !== 'string' || credentialId === '') throw new StepFailure('credentialId must be a non-empty string');
  if (!env.resolveCredential) throw new StepFailure(`Credential ${credentialId} cannot be resolved here`);
  let resolved: unknown;
  try {
    resolved = await env.resolveCredential(credentialId);
  } catch (error) {
    throw new StepFailure(errorMessage(error));
  }
  if (resolved === null || typeof resolved !== 'object' || Object.values(resolved).some((value) => typeof value !== 'string')) {
    throw new StepFailure(`Credential ${credentialId} did not resolve to a set of headers`);
  }
  return resolved as Record<string, string>;
}

function buildUrl(params: Record<string, unknown>, context: RunContext): URL {
  const rendered = renderString(typeof params.url === 'string' ? params.url : '', context);
  const text = typeof rendered === 'string' ? rendered : stringifyValue(rendered);
  if (!URL.canParse(text)) throw new StepFailure(`Invalid URL "${text.slice(0, 200)}"`);
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StepFailure(`Unsupported URL scheme ${url.protocol} (only http and https)`);
  }
  const query = renderTemplates(params.query ?? {}, context) as Record<string, unknown>;
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.append(name, stringifyValue(value));
  }
  return url;
}

async function prepareHttp(step: StepDefinition, context: RunContext, env: ExecutorEnvironment): Promise<PreparedStep> {
  const { params } = step;
  const method = params.method;
  if (typeof method !== 'string' || !(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new StepFailure(`Unsupported HTTP method ${String(method)}`);
  }
  const url = buildUrl(params, context);
  const headers: Record<string, string> = {};
  const renderedHeaders = renderTemplates(params.headers ?? {}, context) as Record<string, unknown>;
  for (const [name, value] of Object.entries(renderedHeaders)) headers[name] = stringifyValue(value);

  const rendered = renderTemplates(params.body, context);
  let body: string | undefined;
  if (rendered !== undefined && method !== 'HEAD') {
    const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    body = typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
    if (!hasContentType) headers['content-type'] = typeof rendered === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  }

  const credential = await credentialHeaders(params.credentialId, env);
  for (const name of Object.keys(credential)) {
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  }
  Object.assign(headers, credential);
  const secrets = secretsOf(credential);

  return {
    redact: (text) => redactText(text, secrets),
    async run({ signal }) {
      const request = { method: method as HttpMethod, url, headers, body, sensitiveHeaders: Object.keys(credential) };
      const response = await env.httpClient().send(request, signal);
      if (response.status >= 400) throw new StepFailure(statusLine(response.status), { retryable: response.status >= 500 });
      return redactValue(response, secrets);
    },
  };
}

function expressionOf(step: StepDefinition): string {
  const expression = step.params.expression;
  if (typeof expression !== 'string') throw new StepFailure('expression must be a string');
  return expression;
}

function prepareDelay(step: StepDefinition, context: RunContext): PreparedStep {
  const ms = renderTemplates(step.params.ms, context);
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_DELAY_MS) {
    throw new StepFailure(`Delay must be an integer from 0 to ${MAX_DELAY_MS} ms, got ${JSON.stringify(ms) ?? 'nothing'}`);
  }
  return { redact: (text) => text, run: async ({ signal }) => abortableSleep(ms, signal).then(() => ({ delayedMs: ms })) };
}

export async function prepareStep(step: StepDefinition, context: RunContext, env: ExecutorEnvironment): Promise<PreparedStep> {
  switch (step.type) {
    case 'http':
      return prepareHttp(step, context, env);
    case 'transform': {
      const expression = expressionOf(step);
      return { redact: (text) => text, run: ({ deadline }) => evaluateExpression(expression, context, deadline) };
    }
    case 'condition': {
      const expression = expressionOf(step);
      return { redact: (text) => text, run: async ({ deadline }) => isTruthy(await evaluateExpression(expression, context, deadline)) };
    }
    case 'delay':
      return prepareDelay(step, context);
    default:
      throw new StepFailure(`Unknown step type ${JSON.stringify(step.type)}`);
  }
}
