import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AppConfig } from '@app/config';
import { AuthUsersLoader } from '../auth/auth-users.loader';
import { jwtKey, jwtVerifyOptions } from '../auth/jwt-settings';
import { bearerTokenUnlessApiKey } from './credential-headers';
import type { AuthUser } from '../common/auth-user';

export const JWT_STRATEGY = 'jwt';

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
