import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { AppConfig } from '@app/config';
import { CENSOR, redactDeep, redactedError } from './deep-redact';

/** Anything that may hold a secret, wherever it sits in a log object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-webhook-token"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  '*.token',
  '*.key',
  '*.apiKey',
  '*.secret',
  '*.data',
  '*.authorization',
];

export function baseLoggerOptions(config: AppConfig, name: string): LoggerOptions {
  return {
    name,
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    // At any depth, after the fixed paths above: a secret nested in a step's output or an error's details.
    formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
    serializers: { err: redactedError, error: redactedError },
  };
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

/** Trusts a caller's X-Request-Id only when it looks like one. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

export function httpLoggerOptions(config: AppConfig): PinoHttpOptions {
  const base = baseLoggerOptions(config, 'flowline-api');
  return {
    ...base,
    // The HTTP server names the request (`requestIdOf`) before pino-http sees it; pino-http keeps that id.
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    serializers: {
      ...base.serializers,
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
