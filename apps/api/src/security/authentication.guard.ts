import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../auth/auth.errors';
import type { AuthUser } from '../common/auth-user';
import { RequestBudgets } from '../tiers/request-budgets';
import { API_KEY_STRATEGY } from './api-key.strategy';
import { JWT_STRATEGY } from './jwt.strategy';
import { IS_PUBLIC } from './public.decorator';

/**
 * The one global authentication guard (passport): an `X-API-Key`, else a
 * bearer JWT, on every route not marked `@Public()`. Sets `request.user`.
 * The JWT strategy goes first (the common case costs one strategy) and
 * leaves any request that names an API key to the API key strategy.
 *
 * Runs after AnonymousRateLimitGuard: a request that authenticates gets
 * back the address hit held for it (it counts against its user next); a
 * failed attempt stays counted against its address, and a signed JWT whose
 * user proved disabled or gone is counted there now.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard([JWT_STRATEGY, API_KEY_STRATEGY]) {
  constructor(
    private readonly reflector: Reflector,
    private readonly budgets: RequestBudgets,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    let allowed: boolean;
    try {
      allowed = await (super.canActivate(context) as Promise<boolean>);
    } catch (error) {
      if (!(error instanceof UnauthenticatedError))
        await this.budgets.releaseHeld(request); // e.g. the database is down: not the caller's failure
      else if (!this.budgets.holds(request)) await this.budgets.chargeAddress(request, http.getResponse<FastifyReply>());
      throw error;
    }
    await this.budgets.releaseHeld(request);
    return allowed;
  }

  override handleRequest<User = AuthUser>(error: unknown, user: User | false | null): User {
    if (error) throw error;
    if (!user) throw new UnauthenticatedError('Missing or invalid bearer token');
    return user;
  }
}
