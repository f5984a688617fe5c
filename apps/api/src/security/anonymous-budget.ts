import type { IncomingHttpHeaders } from 'node:http';
import { bearerTokenUnlessApiKey, presentsApiKey } from './credential-headers';

/**
 * How a request meets its address's anonymous budget (ANON_REQUESTS_PER_MINUTE), decided before anything
 * reads the database:
 * - `exempt`: a bearer JWT that verifies by its signature alone (no API key beside it); it is counted
 *   against its user's tier once authenticated, and against the address only if the user then proves
 *   disabled or gone;
 * - `count`: a public route (sign-in, registration, plans, health...): the address is all we know of the caller;
 * - `hold`: credentials only the database can check (an API key, a webhook token), a JWT that does not
 *   verify, or none on a guarded route: counted against the address first, so an address that used up
 *   its budget gets 429 without a lookup; the hit is given back when the credentials prove valid.
 */
export type AddressCharge = 'exempt' | 'count' | 'hold';

export interface BudgetRoute {
  isPublic: boolean;
  /** The route checks a credential that names an owner (the webhook token): see CountedAgainstOwner. */
  countedAgainstOwner: boolean;
}

export interface PresentedCredentials {
  apiKey: boolean;
  /** A bearer token that passes the JWT strategy's signature, issuer, audience and age checks. */
  signedJwt: boolean;
}

export function addressChargeOf(route: BudgetRoute, credentials: PresentedCredentials): AddressCharge {
  if (route.countedAgainstOwner) return 'hold';
  if (route.isPublic) return 'count';
  if (credentials.signedJwt && !credentials.apiKey) return 'exempt';
  return 'hold';
}

/** What the request presents, as far as can be known without the database (`verifiesJwt`: signature and claims only). */
export function presentedCredentials(
  request: { headers: IncomingHttpHeaders },
  verifiesJwt: (token: string) => boolean,
): PresentedCredentials {
  const token = bearerTokenUnlessApiKey(request);
  return { apiKey: presentsApiKey(request), signedJwt: token !== null && verifiesJwt(token) };
}
