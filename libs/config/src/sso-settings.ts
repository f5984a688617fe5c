import type { NodeEnv, OidcConfig } from './app-config';
import type { EnvReader } from './env-reader';

const OIDC_SETTINGS = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URL'] as const;
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/**
 * Single sign-on is on only when all four OIDC settings are set: three of four is a
 * half-done deployment, refused at boot rather than discovered at the first sign-in.
 * Values are never echoed (the client secret is one of them).
 */
export function parseOidc(reader: EnvReader, env: NodeEnv): OidcConfig | null {
  const present = OIDC_SETTINGS.filter((name) => reader.raw(name) !== undefined);
  if (present.length === 0) return null;
  if (present.length < OIDC_SETTINGS.length) {
    for (const name of OIDC_SETTINGS) {
      if (!present.includes(name)) reader.fail(name, `is required when any of ${OIDC_SETTINGS.join(', ')} is set`);
    }
    return null;
  }
  const issuer = oidcUrl(reader, 'OIDC_ISSUER', env);
  const redirectUrl = oidcUrl(reader, 'OIDC_REDIRECT_URL', env);
  if (redirectUrl && !new URL(redirectUrl).pathname.replace(/\/+$/, '').endsWith(OIDC_CALLBACK_PATH)) {
    reader.fail('OIDC_REDIRECT_URL', `must point at this api's ${OIDC_CALLBACK_PATH}`);
  }
  return {
    issuer: issuer ?? '',
    clientId: reader.required('OIDC_CLIENT_ID'),
    clientSecret: reader.required('OIDC_CLIENT_SECRET'),
    redirectUrl: redirectUrl ?? '',
  };
}

/** An http(s) URL without query or fragment; production insists on https (tokens travel on these requests). */
function oidcUrl(reader: EnvReader, name: string, env: NodeEnv): string | null {
  const value = reader.raw(name) ?? '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    reader.fail(name, 'must be a valid URL');
    return null;
  }
  const protocols = env === 'production' ? ['https:'] : ['http:', 'https:'];
  if (!protocols.includes(url.protocol)) {
    reader.fail(name, env === 'production' ? 'must be an https URL in production' : 'must be a URL starting with http: or https:');
    return null;
  }
  if (url.search || url.hash) {
    reader.fail(name, 'must not carry a query or fragment');
    return null;
  }
  return value;
}

/** `SSO_ENFORCED_DOMAINS`: exact domains (a subdomain is listed on its own), lower case. */
export function parseSsoEnforcedDomains(reader: EnvReader, oidc: OidcConfig | null): string[] {
  const domains = reader.list('SSO_ENFORCED_DOMAINS').map((domain) => domain.toLowerCase().replace(/^@/, ''));
  for (const domain of domains) {
    if (!DOMAIN_PATTERN.test(domain)) reader.fail('SSO_ENFORCED_DOMAINS', `"${domain.slice(0, 64)}" is not a domain name like example.com`);
  }
  if (domains.length > 0 && !oidc && !OIDC_SETTINGS.some((name) => reader.raw(name) !== undefined)) {
    reader.fail(
      'SSO_ENFORCED_DOMAINS',
      `needs single sign-on (${OIDC_SETTINGS.join(', ')}): users of these domains could not sign in at all`,
    );
  }
  return [...new Set(domains)];
}
