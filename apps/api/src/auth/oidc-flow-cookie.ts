import { randomBytes } from 'node:crypto';
import { DecryptionError, EnvelopeCipher } from '@app/crypto';

/**
 * Where a sign-in keeps its state, nonce and PKCE verifier between GET /auth/oidc/login
 * and the provider's redirect to GET /auth/oidc/callback: a cookie sealed with AES-256-GCM
 * (ENCRYPTION_KEYS), not a server-side record. Why:
 * - it binds the flow to the browser that started it. A record found by `state` alone
 *   would let an attacker start a flow, sign in at the provider as themselves and have a
 *   victim's browser finish it (login CSRF); here the returned state must equal the one
 *   sealed in this browser's cookie;
 * - it needs no shared store: any api process or instance finishes any flow, in both
 *   queue backends, across restarts, and nothing accumulates for abandoned sign-ins;
 * - sealed, the browser can neither read the verifier and nonce nor forge a flow; the
 *   expiry is inside the sealed payload (Max-Age is only advice to the browser).
 * HttpOnly keeps scripts away from it; SameSite=Lax (not Strict) because the callback
 * is a top-level navigation coming from the provider's site, which Strict would strip;
 * Path limits it to the two routes (as the browser sees them: the redirect URL's folder,
 * which keeps a proxy's path prefix); Secure whenever the redirect URL is https.
 * A flow is single use: the callback marks its state as spent (OidcService), so a replay
 * of the cookie with the same answer is refused before the provider is asked again.
 * One flow per browser at a time: a second login in another tab replaces the cookie.
 */
export const OIDC_FLOW_COOKIE = 'flowline_oidc';
export const OIDC_FLOW_TTL_SECONDS = 600;
const FORMAT = 'v1';

export interface OidcFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type FlowProblem = 'missing_flow' | 'invalid_flow' | 'expired_flow';

/** A new flow: 256 bits of randomness in each value (RFC 7636 allows 43-128 characters for the verifier). */
export function newOidcFlow(now = Date.now()): OidcFlow {
  const random = () => randomBytes(32).toString('base64url');
  return { state: random(), nonce: random(), codeVerifier: random(), expiresAt: now + OIDC_FLOW_TTL_SECONDS * 1000 };
}

/** The AAD ties a cookie to its purpose and to the client it was made for. */
function aadFor(clientId: string): Buffer {
  return Buffer.from(`flowline:oidc-flow:${clientId}`, 'utf8');
}

export function sealOidcFlow(cipher: EnvelopeCipher, clientId: string, flow: OidcFlow): string {
  const envelope = cipher.seal(Buffer.from(JSON.stringify(flow), 'utf8'), aadFor(clientId));
  const parts = [envelope.iv, envelope.authTag, envelope.ciphertext].map((part) => part.toString('base64url'));
  return [FORMAT, envelope.keyId, ...parts].join('.');
}

/** The flow sealed in `value`, or why there is none; never throws on what a browser sends. */
export function openOidcFlow(
  cipher: EnvelopeCipher,
  clientId: string,
  value: string | undefined,
  now = Date.now(),
): OidcFlow | FlowProblem {
  if (!value) return 'missing_flow';
  const [format, keyId, iv, authTag, ciphertext, ...rest] = value.split('.');
  if (format !== FORMAT || !keyId || !iv || !authTag || !ciphertext || rest.length > 0) return 'invalid_flow';
  let flow: Partial<OidcFlow>;
  try {
    const plaintext = cipher.open(
      {
        keyId,
        iv: Buffer.from(iv, 'base64url'),
        authTag: Buffer.from(authTag, 'base64url'),
        ciphertext: Buffer.from(ciphertext, 'base64url'),
      },
      aadFor(clientId),
    );
    flow = JSON.parse(plaintext.toString('utf8')) as Partial<OidcFlow>;
  } catch (error) {
    if (error instanceof DecryptionError || error instanceof SyntaxError) return 'invalid_flow';
    throw error;
  }
  const { state, nonce, codeVerifier, expiresAt } = flow;
  if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof expiresAt !== 'number') {
    return 'invalid_flow';
  }
  if (expiresAt <= now) return 'expired_flow';
  return { state, nonce, codeVerifier, expiresAt };
}

/** Where the browser sends the cookie back, derived from OIDC_REDIRECT_URL (its callback's folder, e.g. `/auth/oidc`). */
export interface FlowCookieScope {
  path: string;
  secure: boolean;
}

export function flowCookieScopeOf(redirectUrl: string): FlowCookieScope {
  const url = new URL(redirectUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/[^/]*$/, '');
  return { path: path || '/', secure: url.protocol === 'https:' };
}

function cookie(value: string, maxAgeSeconds: number, scope: FlowCookieScope): string {
  const attributes = [`${OIDC_FLOW_COOKIE}=${value}`, `Path=${scope.path}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (scope.secure) attributes.push('Secure');
  return attributes.join('; ');
}

export function oidcFlowCookie(sealed: string, scope: FlowCookieScope): string {
  return cookie(sealed, OIDC_FLOW_TTL_SECONDS, scope);
}

/** Sent with every callback answer, success or not: a flow is finished once its callback arrived. */
export function clearedOidcFlowCookie(scope: FlowCookieScope): string {
  return cookie('', 0, scope);
}

/** The flow cookie's value from a Cookie header. */
export function oidcFlowCookieValue(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === OIDC_FLOW_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}
