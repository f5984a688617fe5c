import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@app/config';
import { AuthUsersLoader } from '../auth/auth-users.loader';
import { jwtKey, jwtVerifyOptions } from '../auth/jwt-settings';
import { API_KEY_HEADER } from './api-key.strategy';
import type { AuthUser } from '../common/auth-user';

export const JWT_STRATEGY = 'jwt';

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();
const apiKeyHeader = API_KEY_HEADER.toLowerCase();

/** A request that names an API key is the API key strategy's to decide, whatever bearer token it also carries. */
function bearerTokenUnlessApiKey(request: Pick<IncomingMessage, 'headers'>): string | null {
  return request.headers[apiKeyHeader] === undefined ? bearerToken(request) : null;
}

/**
 * `Authorization: Bearer <JWT>`: HS256 pinned, issuer, audience, expiry and
 * max age checked against one key object; then the user is read (a demoted
 * or disabled user loses access at once, not when the token expires).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    config: AppConfig,
    private readonly users: AuthUsersLoader,
  ) {
    const { algorithms, issuer, audience, maxAge } = jwtVerifyOptions(config);
    super({
      jwtFromRequest: bearerTokenUnlessApiKey,
      // passport-jwt hands the key to jsonwebtoken 9, which takes a KeyObject; @types/passport-jwt predates that.
      secretOrKey: jwtKey(config) as unknown as Buffer,
      algorithms,
      issuer,
      audience: audience as string,
      ignoreExpiration: false,
      jsonWebTokenOptions: { maxAge },
    });
  }

  validate(payload: { sub?: unknown }): Promise<AuthUser | null> | null {
    return typeof payload.sub === 'string' ? this.users.loadActive(payload.sub, 'jwt') : null;
  }
}
