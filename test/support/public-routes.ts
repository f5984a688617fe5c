/** Every route that answers without credentials, by name. Anything else must be guarded. */
export const PUBLIC_ROUTES = new Set([
  'POST /auth/register',
  'POST /auth/login',
  'GET /auth/oidc/login',
  'GET /auth/oidc/callback',
  'GET /health',
  'GET /health/ready',
  'POST /hooks/{workflowId}',
  'GET /metrics',
  'GET /billing/plans',
  'POST /billing/webhook',
]);
