/**
 * Why a single sign-on did not happen, in words fit for the audit trail: a reason and
 * at most the provider's OAuth error code. Never a code, token, claim set or provider
 * message (those may echo what was sent), so it is safe to log and to store.
 */
export class OidcFailure extends Error {
  constructor(
    readonly reason: string,
    readonly options: { unreachable?: boolean; providerError?: string; email?: string; userId?: string } = {},
  ) {
    super(`single sign-on failed: ${reason}`);
    this.name = 'OidcFailure';
  }

  get unreachable(): boolean {
    return this.options.unreachable === true;
  }
}

const OAUTH_ERROR_CODE = /^[a-z0-9_.-]{1,64}$/i;

/** An OAuth error code as the provider sent it, when it looks like one (RFC 6749 §5.2 names them in ASCII). */
function providerErrorOf(error: unknown): string | undefined {
  const code = (error as { error?: unknown }).error;
  return typeof code === 'string' && OAUTH_ERROR_CODE.test(code) ? code : undefined;
}

interface CodedError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * Names what openid-client (and oauth4webapi under it) refused. Read by shape, not by
 * class: the library is loaded only where it is used, and its error classes are stable
 * public API (ClientError with oauth4webapi's codes, ResponseBodyError, AuthorizationResponseError).
 */
export function oidcFailureOf(error: unknown): OidcFailure {
  if (error instanceof OidcFailure) return error;
  const coded = (error ?? {}) as CodedError;
  const name = typeof coded.name === 'string' ? coded.name : '';
  const code = typeof coded.code === 'string' ? coded.code : '';
  // The token endpoint answered with an OAuth error: a spent or unknown code, a PKCE mismatch, bad client credentials.
  if (name === 'ResponseBodyError') return new OidcFailure('token_rejected', { providerError: providerErrorOf(error) });
  // The provider redirected back with ?error=… (the user cancelled, the client is not allowed…).
  if (name === 'AuthorizationResponseError') return new OidcFailure('provider_error', { providerError: providerErrorOf(error) });
  if (isUnreachable(coded, name, code)) return new OidcFailure('provider_unreachable', { unreachable: true });
  const inner = (coded.cause ?? {}) as CodedError & { cause?: { claim?: unknown } };
  const claim = typeof inner.cause?.claim === 'string' ? inner.cause.claim : undefined;
  switch (code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      return new OidcFailure(claim && /^[a-z_]{1,32}$/.test(claim) ? `id_token_${claim}_mismatch` : 'id_token_claim_mismatch');
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return new OidcFailure('id_token_expired');
    case 'OAUTH_KEY_SELECTION_FAILED':
      return new OidcFailure('id_token_signature_invalid');
    case 'OAUTH_INVALID_RESPONSE':
      if (typeof inner.message === 'string' && /signature/i.test(inner.message)) return new OidcFailure('id_token_signature_invalid');
      if (typeof inner.message === 'string' && /"state"/.test(inner.message)) return new OidcFailure('state_mismatch');
      return new OidcFailure('invalid_response');
    default:
      return new OidcFailure('invalid_response');
  }
}

/** The provider could not be asked (refused, timed out, answered 5xx or not JSON): a 503, not the user's fault. */
function isUnreachable(error: CodedError, name: string, code: string): boolean {
  if (name === 'TypeError' && !code.startsWith('ERR_INVALID')) return true; // fetch failed
  if (code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT') return true;
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
    const status = (error.cause as { status?: unknown } | undefined)?.status;
    return typeof status !== 'number' || status >= 500;
  }
  return false;
}
