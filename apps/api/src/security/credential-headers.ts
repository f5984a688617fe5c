import type { IncomingHttpHeaders } from 'node:http';
import { ExtractJwt } from 'passport-jwt';

export const API_KEY_HEADER = 'X-API-Key';

const apiKeyHeader = API_KEY_HEADER.toLowerCase();
const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

type WithHeaders = { headers: IncomingHttpHeaders };

/** The request names an API key: the API key strategy decides it, whatever bearer token it also carries. */
export function presentsApiKey(request: WithHeaders): boolean {
  return request.headers[apiKeyHeader] !== undefined;
}

/** The bearer token the JWT strategy verifies: none when the request names an API key. */
export function bearerTokenUnlessApiKey(request: WithHeaders): string | null {
  return presentsApiKey(request) ? null : bearerToken(request as Parameters<typeof bearerToken>[0]);
}
