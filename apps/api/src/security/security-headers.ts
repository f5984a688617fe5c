import type { FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

const strictPolicy = { 'default-src': ["'self'"] };

// Swagger UI (served from /docs, scripts and styles from the same origin) needs only inline styles and
// data: images on top of the strict policy; frame-ancestors matches X-Frame-Options: DENY.
const docsPolicy = {
  'default-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'frame-ancestors': ["'none'"],
};

type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

function helmetWith(directives: Record<string, string[]>): NodeMiddleware {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true, preload: false },
    xFrameOptions: { action: 'deny' },
    xContentTypeOptions: true,
    // helmet sends "X-XSS-Protection: 0"; the contract promises "1; mode=block", set below.
    xXssProtection: false,
  });
}

/**
 * DESIGN.md's header set on every response, errors included; only /docs pages
 * get Swagger UI's CSP additions, and everything but the docs is no-store
 * (authenticated JSON must not be cached by browsers or proxies). Written to
 * the Node response, whose headers Fastify merges into every answer.
 */
export type SecurityHeaders = (request: FastifyRequest, response: ServerResponse) => void;

export function securityHeaders(): SecurityHeaders {
  const strict = helmetWith(strictPolicy);
  const docs = helmetWith(docsPolicy);
  // helmet only sets and removes headers, synchronously, and never fails.
  const next = () => undefined;
  return (request, response) => {
    const path = request.url.split('?', 1)[0];
    const isDocsPage = path === '/docs' || path.startsWith('/docs/');
    (isDocsPage ? docs : strict)(request.raw, response, next);
    response.setHeader('X-XSS-Protection', '1; mode=block');
    if (!path.startsWith('/docs')) response.setHeader('Cache-Control', 'no-store');
  };
}
