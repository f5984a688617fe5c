import { sign, verify } from 'jsonwebtoken';
import type { AppConfig } from '@app/config';
import { jwtKey, JWT_ALGORITHM, jwtVerifyOptions } from '../auth/jwt-settings';
import { addressChargeOf, presentedCredentials } from './anonymous-budget';

const guarded = { isPublic: false, countedAgainstOwner: false };
const publicRoute = { isPublic: true, countedAgainstOwner: false };
const webhook = { isPublic: true, countedAgainstOwner: true };
const none = { apiKey: false, signedJwt: false };

describe('addressChargeOf: what counts against an address before the database is asked', () => {
  it('a JWT that verifies by its signature is exempt on a guarded route (its user is counted by tier)', () => {
    expect(addressChargeOf(guarded, { apiKey: false, signedJwt: true })).toBe('exempt');
  });

  it('an API key is held against the address until authentication proves it, even beside a signed JWT', () => {
    expect(addressChargeOf(guarded, { apiKey: true, signedJwt: false })).toBe('hold');
    expect(addressChargeOf(guarded, { apiKey: true, signedJwt: true })).toBe('hold');
  });

  it('no credentials, or a JWT that does not verify, on a guarded route: held (a failure stays counted)', () => {
    expect(addressChargeOf(guarded, none)).toBe('hold');
  });

  it('a public route counts against the address whatever it carries', () => {
    expect(addressChargeOf(publicRoute, none)).toBe('count');
    expect(addressChargeOf(publicRoute, { apiKey: true, signedJwt: true })).toBe('count');
  });

  it('a webhook call is held against the address until its token names the owner', () => {
    expect(addressChargeOf(webhook, none)).toBe('hold');
    expect(addressChargeOf(webhook, { apiKey: false, signedJwt: true })).toBe('hold');
  });
});

describe('presentedCredentials: what a request shows without the database', () => {
  const config = { jwt: { secret: 's'.repeat(40), issuer: 'flowline', audience: 'flowline-api', expiresIn: '1h' } } as AppConfig;
  // The checks the JWT strategy and the auth module's JwtService make: one key object, HS256, issuer, audience, age.
  const verifies = (token: string) => {
    try {
      verify(token, jwtKey(config), jwtVerifyOptions(config));
      return true;
    } catch {
      return false;
    }
  };
  const token = (options: { secret?: string; expiresIn?: number; audience?: string } = {}) =>
    sign({ sub: '6f1c2a4e-0000-4000-8000-000000000001' }, options.secret ?? config.jwt.secret, {
      algorithm: JWT_ALGORITHM,
      issuer: config.jwt.issuer,
      audience: options.audience ?? config.jwt.audience,
      expiresIn: options.expiresIn ?? 600,
    });
  const shown = (headers: Record<string, string>) => presentedCredentials({ headers }, verifies);

  it('a bearer JWT that verifies by its signature and claims', () => {
    expect(shown({ authorization: `Bearer ${token()}` })).toEqual({ apiKey: false, signedJwt: true });
  });

  it('not a signed JWT: another key, expired, another audience, garbage, or none', () => {
    for (const bad of [token({ secret: 'x'.repeat(40) }), token({ expiresIn: -10 }), token({ audience: 'flowline-queues' }), 'not.a.jwt'])
      expect(shown({ authorization: `Bearer ${bad}` })).toEqual({ apiKey: false, signedJwt: false });
    expect(shown({})).toEqual({ apiKey: false, signedJwt: false });
  });

  it('an API key hides any bearer token beside it (the API key strategy decides such a request)', () => {
    expect(shown({ 'x-api-key': 'flk_x', authorization: `Bearer ${token()}` })).toEqual({ apiKey: true, signedJwt: false });
  });
});
