import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestBudgets } from '../tiers/request-budgets';
import { addressChargeOf, presentedCredentials } from './anonymous-budget';
import { COUNTED_AGAINST_OWNER } from './owner-counted.decorator';
import { IS_PUBLIC } from './public.decorator';

const NOTHING_PRESENTED = { apiKey: false, signedJwt: false };

/**
 * The first global guard: counts a request against its address's anonymous budget before anything
 * reads the database (see `addressChargeOf`). A bearer JWT is checked here by its signature only (the
 * JWT strategy's own key and options, no database); the user behind it is read by authentication next.
 * The client address is Fastify's `request.ip`, which honours X-Forwarded-For only as TRUST_PROXY says.
 */
@Injectable()
export class AnonymousRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly budgets: RequestBudgets,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true;
    const countedAgainstOwner = this.reflector.getAllAndOverride<boolean>(COUNTED_AGAINST_OWNER, targets) === true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    // A public route counts against its address whatever it carries: no need to verify anything.
    const credentials = isPublic ? NOTHING_PRESENTED : presentedCredentials(request, (token) => this.verifies(token));
    const charge = addressChargeOf({ isPublic, countedAgainstOwner }, credentials);
    if (charge === 'exempt') return true;
    const reply = http.getResponse<FastifyReply>();
    if (charge === 'count') await this.budgets.chargeAddress(request, reply);
    else await this.budgets.holdAddress(request, reply);
    return true;
  }

  /** The JWT strategy's checks without its database read: the auth module's key and verify options. */
  private verifies(token: string): boolean {
    try {
      this.jwt.verify(token);
      return true;
    } catch {
      return false;
    }
  }
}
