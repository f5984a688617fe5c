import { Injectable, Logger } from '@nestjs/common';
import * as openid from 'openid-client';
import { AppConfig, OidcConfig } from '@app/config';
import type { OidcFlow } from './oidc-flow-cookie';
import { OidcFailure, oidcFailureOf } from './oidc-failure';

export const OIDC_SCOPES = 'openid email profile';
/** Seconds for each request to the provider (discovery, token, JWKS, userinfo). */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** Who the provider vouched for; `email` and `emailVerified` come from the same source (ID token or userinfo). */
export interface OidcIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/**
 * The only user of openid-client (ESM; Node 20.19+ loads it with require(esm), and
 * webpack leaves node_modules external). jest on Node 20 cannot load it, so unit specs
 * do not import this file (oidc-failure.ts is read by shape for that reason); the
 * e2e test runs it in the built api. Discovery is lazy and cached: a provider that
 * is down does not stop the api from booting, the first sign-in after it is back
 * discovers it, and a failed discovery is not cached.
 */
@Injectable()
export class OidcClient {
  private readonly logger = new Logger(OidcClient.name);
  private configuration: Promise<openid.Configuration> | null = null;

  constructor(private readonly config: AppConfig) {}

  /** The provider's authorization URL for this flow: code flow, PKCE S256, state and nonce. */
  async authorizationUrl(flow: OidcFlow): Promise<string> {
    const configuration = await this.discover();
    const url = openid.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUrl,
      scope: OIDC_SCOPES,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await openid.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
    });
    return url.href;
  }

  /**
   * Redeems the code and verifies the ID token: issuer, audience, expiry, nonce, and its
   * signature against the provider's JWKS (enableNonRepudiationChecks; without it
   * openid-client relies on TLS to the token endpoint alone, as OIDC Core allows).
   * Throws OidcFailure.
   */
  async exchange(callbackUrl: URL, flow: OidcFlow): Promise<OidcIdentity> {
    const configuration = await this.discover();
    try {
      const tokens = await openid.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new OidcFailure('id_token_missing');
      // Providers that follow OIDC Core 5.4 put scope claims in userinfo, not in an ID token issued with an access token.
      const source: Record<string, unknown> =
        claims.email === undefined ? await openid.fetchUserInfo(configuration, tokens.access_token, claims.sub) : claims;
      return {
        subject: claims.sub,
        email: typeof source.email === 'string' ? source.email : null,
        emailVerified: source.email_verified === true,
        name: typeof source.name === 'string' ? source.name.slice(0, 200) : null,
      };
    } catch (error) {
      throw oidcFailureOf(error);
    }
  }

  get issuer(): string {
    return this.settings.issuer;
  }

  private get settings(): OidcConfig {
    if (!this.config.oidc) throw new Error('OIDC is not configured');
    return this.config.oidc;
  }

  private discover(): Promise<openid.Configuration> {
    this.configuration ??= this.performDiscovery().catch((error: unknown) => {
      this.configuration = null;
      // The issuer is not a secret; the error's message names the failed check, never a credential.
      this.logger.warn(`OIDC discovery of ${this.settings.issuer} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
      throw new OidcFailure('provider_unreachable', { unreachable: true });
    });
    return this.configuration;
  }

  private performDiscovery(): Promise<openid.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    const execute = [openid.enableNonRepudiationChecks];
    // Plain http only where config allows it (not in production): a provider on loopback in development and tests.
    if (new URL(issuer).protocol === 'http:') execute.push(openid.allowInsecureRequests);
    return openid.discovery(new URL(issuer), clientId, undefined, openid.ClientSecretBasic(clientSecret), {
      timeout: PROVIDER_TIMEOUT_SECONDS,
      execute,
    });
  }
}
