import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { ApiKeysService } from '../../api-keys/api-keys.service';
import { AuthUsersLoader } from '../../auth/auth-users.loader';
import type { AuthUser } from '../auth-user';
import { IS_PUBLIC } from '../decorators/public.decorator';

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

/**
 * The one authentication guard: every route needs a bearer JWT (HS256 with
 * issuer, audience and expiry checked) or an `X-API-Key` unless it is marked
 * `@Public()`. The user is read on every request.
 */
@Injectable()
export class GlobalAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly jwt: JwtService,
    private readonly users: AuthUsersLoader,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const apiKey = request.headers['x-api-key'];
    if (apiKey !== undefined) {
      const user = typeof apiKey === 'string' ? await this.apiKeys.authenticate(apiKey) : null;
      if (!user) throw new UnauthorizedException('Invalid API key');
      request.user = user;
      return true;
    }
    const subject = this.verifiedSubject(request.headers.authorization);
    const user = subject === null ? null : await this.users.loadActive(subject, 'jwt');
    if (!user) throw new UnauthorizedException('Missing or invalid bearer token');
    request.user = user;
    return true;
  }

  private verifiedSubject(authorization: string | undefined): string | null {
    const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (!token) return null;
    try {
      const payload = this.jwt.verify<{ sub?: unknown }>(token);
      return typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
