import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, RequestErrorCode } from '@app/errors';
import { HTTP_STATUS_OF } from '../common/errors/error-status.table';

const strictPolicy = { 'default-src': ["'self'"] };

// Swagger UI (served from /docs, scripts and styles from the same origin) needs only inline styles and
// data: images on top of the strict policy; frame-ancestors matches X-Frame-Options: DENY.
const docsPolicy = {
  'default-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'frame-ancestors': ["'none'"],
};

function helmetWith(directives: Record<string, string[]>): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true, preload: false },
    xFrameOptions: { action: 'deny' },
    xContentTypeOptions: true,
    // helmet sends "X-XSS-Protection: 0"; the contract promises "1; mode=block", set below.
    xXssProtection: false,
  });
}

/** DESIGN.md's header set on every response, errors included; only /docs pages get Swagger UI's CSP additions. */
export function securityHeaders(): RequestHandler {
  const strict = helmetWith(strictPolicy);
  const docs = helmetWith(docsPolicy);
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-XSS-Protection', '1; mode=block');
    const isDocsPage = req.path === '/docs' || req.path.startsWith('/docs/');
    (isDocsPage ? docs : strict)(req, res, next);
  };
}

/** Authenticated JSON must not be cached by browsers or proxies. */
export function noStoreForApi(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/docs')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

// What helmet (configured above) and securityHeaders() send on a non-docs route, for answers written without Express.
const RAW_SECURITY_HEADERS = [
  'Strict-Transport-Security: max-age=31536000; includeSubDomains',
  'X-Frame-Options: DENY',
  'X-Content-Type-Options: nosniff',
  "Content-Security-Policy: default-src 'self'",
  'X-XSS-Protection: 1; mode=block',
  'Cache-Control: no-store',
];

const CLIENT_ERRORS: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [RequestErrorCode.HeadersTooLarge, 'The request line or headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [RequestErrorCode.RequestTimeout, 'The request was not received in time'],
};

/**
 * Node answers a request it cannot parse (headers or URL over its limit, a
 * malformed request line) itself, before Express, with no headers at all.
 * This answers it the way every other error is answered: the contract's
 * body and the security headers.
 */
export function answerClientErrors(server: Server): void {
  const answered = new WeakSet<Socket>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // The failed parser reports again for every later chunk: the answer is already on its way.
    if (answered.has(socket)) return;
    // As Node's own handler: no answer while a response on this (keep-alive) connection is already being written.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const [code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [RequestErrorCode.BadRequest, 'Malformed HTTP request'];
    const status = HTTP_STATUS_OF[code];
    const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message, code });
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      ...RAW_SECURITY_HEADERS,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    answered.add(socket);
    // Read what the client still sends, so closing does not reset the connection before it reads the answer.
    socket.resume();
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}
