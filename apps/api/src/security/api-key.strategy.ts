import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { UnauthenticatedError } from '../auth/auth.errors';
import type { AuthUser } from '../common/auth-user';
import { API_KEY_HEADER } from './credential-headers';

export const API_KEY_STRATEGY = 'api-key';

/**
 * `X-API-Key: <key>` authenticates as the key's owner. A request that sends
 * the header with a wrong key is refused outright (an error, not a failure),
 * so it never falls through to a bearer token it may also carry.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  constructor(private readonly apiKeys: ApiKeysService) {
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  async validate(key: string): Promise<AuthUser> {
    const user = await this.apiKeys.authenticate(key);
    if (!user) throw new UnauthenticatedError('Invalid API key');
    return user;
  }
}
