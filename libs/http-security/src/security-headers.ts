/**
 * DESIGN.md's security headers as a non-docs route of the api sends them (helmet sets them there; see
 * apps/api/src/security/security-headers.ts): for answers written without helmet, such as the worker's
 * /health and /metrics and the api's answers to unparseable requests.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'",
  'X-XSS-Protection': '1; mode=block',
  'Cache-Control': 'no-store',
};
