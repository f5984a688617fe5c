import type { SecuritySchemeObject } from '@nestjs/swagger';
import { API_KEY_HEADER } from '../security/credential-headers';

/** How callers prove who they are, by scheme name (the names routes refer to with @ApiBearerAuth / @ApiSecurity). */
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The accessToken of POST /auth/login, /auth/register or /auth/oidc/callback. Follows RFC8725 (JWT best current practices): ' +
      'HS256 only (the algorithm is pinned, `none` and others are refused), issuer, audience and expiry always checked.',
  },
  'api-key': { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'An API key from POST /api-keys' },
  'metrics-token': {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'opaque',
    description: 'METRICS_TOKEN, when the deployment sets one (not a JWT)',
  },
  'webhook-token': {
    type: 'apiKey',
    in: 'header',
    name: 'X-Webhook-Token',
    description: "The workflow's webhook token (POST /workflows/{id}/webhook-token); the run counts against the workflow owner",
  },
  'stripe-signature': {
    type: 'apiKey',
    in: 'header',
    name: 'Stripe-Signature',
    description: "Stripe's HMAC signature of the raw body with STRIPE_WEBHOOK_SECRET (300 s tolerance)",
  },
};
