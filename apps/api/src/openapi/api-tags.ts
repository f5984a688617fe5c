/** The document's tags in Swagger UI order, each with what its routes are for. */
export const API_TAGS: readonly { name: string; description: string }[] = [
  { name: 'auth', description: 'Register, sign in with a password or single sign-on (OIDC), and get a bearer token' },
  { name: 'users', description: 'Your own profile and preferred region' },
  { name: 'api-keys', description: 'Keys for machine callers (X-API-Key)' },
  { name: 'credentials', description: 'Encrypted secrets that http steps use; values are never returned' },
  { name: 'workflows', description: 'Define workflows: steps, trigger, region pin, webhook token' },
  { name: 'runs', description: 'Run a workflow now, in the background, or from a webhook' },
  { name: 'executions', description: 'Runs and their step results, within your retention window' },
  { name: 'analytics', description: 'Counts and durations of your runs per day and per workflow' },
  { name: 'billing', description: 'Plans, your subscription and its usage, upgrades, and the Stripe webhook' },
  { name: 'regions', description: 'Where runs execute, and how busy each region is' },
  { name: 'admin', description: 'Users, tiers, custom limits, audit log and the queue dashboard (admin role)' },
  { name: 'health', description: 'Liveness and readiness for load balancers and orchestrators' },
  { name: 'operations', description: 'Prometheus metrics' },
];
