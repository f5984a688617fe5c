import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

const strictPolicy = { "default-src": ["'self'"] };

// Swagger UI (served from /docs, scripts and styles from the same origin) needs only inline styles and
// data: images on top of the strict policy; frame-ancestors matches X-Frame-Options: DENY.
const docsPolicy = {
  "default-src": ["'self'"],
  "style-src": ["'self'", "'unsafe-inline'"],
  "img-src": ["'self'", 'data:'],
  "frame-ancestors": ["'none'"],
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
