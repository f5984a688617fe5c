import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { UnauthenticatedError } from '../auth/auth.errors';
import type { AuthUser } from '../common/auth-user';
import { API_KEY_STRATEGY } from './api-key.strategy';
import { JWT_STRATEGY } from './jwt.strategy';
import { IS_PUBLIC } from './public.decorator';

/**
 * The one global authentication guard (passport): an `X-API-Key`, else a
 * bearer JWT, on every route not marked `@Public()`. Sets `request.user`.
 * The JWT strategy goes first (the common case costs one strategy) and
 * leaves any request that names an API key to the API key strategy.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard([JWT_STRATEGY, API_KEY_STRATEGY]) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<User = AuthUser>(error: unknown, user: User | false | null): User {
    if (error) throw error;
    if (!user) throw new UnauthenticatedError('Missing or invalid bearer token');
    return user;
  }
}
