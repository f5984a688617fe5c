import { isSsoEnforced } from './auth.errors';
import { OidcFailure, oidcFailureOf } from './oidc-failure';

/** Errors shaped as openid-client 6 throws them (ClientError wrapping oauth4webapi's OperationProcessingError). */
function clientError(code: string, inner: { message: string; cause?: unknown }): Error {
  const wrapped = Object.assign(new Error(inner.message), { name: 'OperationProcessingError', code, cause: inner.cause });
  return Object.assign(new Error('openid-client'), { name: 'ClientError', code, cause: wrapped });
}

describe('oidcFailureOf', () => {
  it('names the ID token check that refused, never echoing claims', () => {
    const claims = { sub: 'x', email: 'secret@example.com' };
    const failure = oidcFailureOf(
      clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', {
        message: 'unexpected ID Token "nonce" claim value',
        cause: { claim: 'nonce', claims },
      }),
    );
    expect(failure).toMatchObject({ reason: 'id_token_nonce_mismatch', unreachable: false });
    expect(JSON.stringify(failure.options)).not.toContain('secret@example.com');
    expect(oidcFailureOf(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', { message: 'x', cause: { claim: 'aud' } })).reason).toBe(
      'id_token_aud_mismatch',
    );
    expect(oidcFailureOf(clientError('OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { message: 'exp' })).reason).toBe('id_token_expired');
    expect(oidcFailureOf(clientError('OAUTH_INVALID_RESPONSE', { message: 'JWT signature verification failed' })).reason).toBe(
      'id_token_signature_invalid',
    );
    expect(oidcFailureOf(clientError('OAUTH_KEY_SELECTION_FAILED', { message: 'no applicable keys' })).reason).toBe(
      'id_token_signature_invalid',
    );
  });

  it("keeps only the provider's OAuth error code from its answers", () => {
    const tokenError = Object.assign(new Error('server responded with an error'), {
      name: 'ResponseBodyError',
      error: 'invalid_grant',
      error_description: 'the code abc123 was used',
    });
    expect(oidcFailureOf(tokenError)).toMatchObject({ reason: 'token_rejected', options: { providerError: 'invalid_grant' } });
    const redirected = Object.assign(new Error('x'), { name: 'AuthorizationResponseError', error: '<script>' });
    expect(oidcFailureOf(redirected)).toMatchObject({ reason: 'provider_error', options: { providerError: undefined } });
  });

  it('tells an unreachable provider (a 503) from a refusal', () => {
    expect(oidcFailureOf(new TypeError('fetch failed')).unreachable).toBe(true);
    expect(oidcFailureOf(Object.assign(new Error('operation timed out'), { name: 'ClientError', code: 'OAUTH_TIMEOUT' })).unreachable).toBe(
      true,
    );
    const badGateway = Object.assign(new Error('unexpected HTTP response status code'), {
      name: 'ClientError',
      code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
      cause: { status: 502 },
    });
    expect(oidcFailureOf(badGateway).unreachable).toBe(true);
    expect(oidcFailureOf(Object.assign(new TypeError('bad argument'), { code: 'ERR_INVALID_ARG_TYPE' })).unreachable).toBe(false);
    expect(oidcFailureOf(new OidcFailure('email_unverified')).reason).toBe('email_unverified');
  });
});

describe('isSsoEnforced', () => {
  it('matches the exact domain after the last @, in any case', () => {
    const domains = ['example.com'];
    expect(isSsoEnforced('ada@example.com', domains)).toBe(true);
    expect(isSsoEnforced('Ada@EXAMPLE.com', domains)).toBe(true);
    expect(isSsoEnforced('"a@b"@example.com', domains)).toBe(true);
    expect(isSsoEnforced('ada@eu.example.com', domains)).toBe(false);
    expect(isSsoEnforced('ada@example.com.evil.org', domains)).toBe(false);
    expect(isSsoEnforced('ada@example.com', [])).toBe(false);
  });
});
