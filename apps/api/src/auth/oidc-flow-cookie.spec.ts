import { EnvelopeCipher } from '@app/crypto';
import {
  clearedOidcFlowCookie,
  flowCookieScopeOf,
  newOidcFlow,
  OIDC_FLOW_TTL_SECONDS,
  oidcFlowCookie,
  oidcFlowCookieValue,
  openOidcFlow,
  sealOidcFlow,
} from './oidc-flow-cookie';

const cipher = new EnvelopeCipher([{ id: 'v1', key: Buffer.alloc(32, 3) }]);

describe('the single sign-on flow cookie', () => {
  it('seals a fresh flow that only this deployment opens, for its client, until it expires', () => {
    const now = Date.now();
    const flow = newOidcFlow(now);
    expect(flow.expiresAt).toBe(now + OIDC_FLOW_TTL_SECONDS * 1000);
    for (const value of [flow.state, flow.nonce, flow.codeVerifier]) expect(value).toMatch(/^[\w-]{43}$/);

    const sealed = sealOidcFlow(cipher, 'client-a', flow);
    expect(sealed).not.toContain(flow.state);
    expect(sealed).not.toContain(flow.codeVerifier);
    expect(openOidcFlow(cipher, 'client-a', sealed, now)).toEqual(flow);

    expect(openOidcFlow(cipher, 'client-b', sealed, now)).toBe('invalid_flow');
    expect(openOidcFlow(new EnvelopeCipher([{ id: 'v1', key: Buffer.alloc(32, 4) }]), 'client-a', sealed, now)).toBe('invalid_flow');
    expect(openOidcFlow(cipher, 'client-a', sealed, flow.expiresAt)).toBe('expired_flow');
  });

  it('refuses what a browser may send instead: nothing, garbage, a flipped bit, an unknown key', () => {
    const sealed = sealOidcFlow(cipher, 'client', newOidcFlow());
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    expect(openOidcFlow(cipher, 'client', undefined)).toBe('missing_flow');
    expect(openOidcFlow(cipher, 'client', 'not-a-flow')).toBe('invalid_flow');
    expect(openOidcFlow(cipher, 'client', [...parts.slice(0, 4), flipped.toString('base64url')].join('.'))).toBe('invalid_flow');
    expect(openOidcFlow(cipher, 'client', ['v1', 'v9', ...parts.slice(2)].join('.'))).toBe('invalid_flow');
    expect(openOidcFlow(cipher, 'client', `${sealed}.extra`)).toBe('invalid_flow');
  });

  it("is HttpOnly, SameSite=Lax, scoped to the callback's folder, Secure over https, and cleared with Max-Age=0", () => {
    const local = flowCookieScopeOf('http://127.0.0.1:3000/auth/oidc/callback');
    const proxied = flowCookieScopeOf('https://example.com/api/auth/oidc/callback/');
    expect([local, proxied]).toEqual([
      { path: '/auth/oidc', secure: false },
      { path: '/api/auth/oidc', secure: true },
    ]);
    expect(oidcFlowCookie('abc', local)).toBe(
      `flowline_oidc=abc; Path=/auth/oidc; Max-Age=${OIDC_FLOW_TTL_SECONDS}; HttpOnly; SameSite=Lax`,
    );
    expect(clearedOidcFlowCookie(proxied)).toBe('flowline_oidc=; Path=/api/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax; Secure');
    expect(oidcFlowCookieValue('a=1; flowline_oidc=v1.x.y; b=2')).toBe('v1.x.y');
    expect(oidcFlowCookieValue('flowline_oidc=')).toBeUndefined();
    expect(oidcFlowCookieValue(undefined)).toBeUndefined();
  });
});
