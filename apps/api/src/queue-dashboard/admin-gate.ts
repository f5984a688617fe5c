import { Injectable, NestMiddleware } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '@app/config';
import { AuditService } from '../audit/audit.service';
import { requestContextOf } from '../audit/request-context';
import { ForbiddenError, UnauthenticatedError } from '../auth/auth.errors';
import { AuthUsersLoader } from '../auth/auth-users.loader';
import { jwtVerifyOptions } from '../auth/jwt-settings';

export const DASHBOARD_COOKIE = 'flowline_queues';
export const DASHBOARD_AUDIENCE = 'flowline-queues';
export const DASHBOARD_SESSION_SECONDS = 900;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * Guards the bull-board pages and their API: an admin bearer token (the
 * API's own tokens), or the short-lived dashboard cookie an admin gets from
 * POST /admin/queues-session (browsers cannot send a bearer header on page loads).
 * Refusals are thrown, not passed to `next`: Nest's exception layer renders
 * them, where `next(error)` would reach bull-board's own Fastify error handler.
 * On Fastify, Nest middleware sees the Node request, to which middie copies `originalUrl`, `ip` and `id`.
 */
@Injectable()
export class AdminGateMiddleware implements NestMiddleware<IncomingMessage & { originalUrl?: string }, ServerResponse> {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: AuthUsersLoader,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async use(req: IncomingMessage & { originalUrl?: string }, _res: ServerResponse, next: () => void): Promise<void> {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = cookieValue(req.headers.cookie, DASHBOARD_COOKIE);
    const [token, audience] = bearer ? [bearer, this.config.jwt.audience] : [cookie, DASHBOARD_AUDIENCE];
    const user = token
      ? await this.jwt
          .verifyAsync<{ sub?: string }>(token, jwtVerifyOptions(this.config, audience))
          .then((payload) => (typeof payload.sub === 'string' ? this.users.loadActive(payload.sub, 'jwt') : null))
          .catch(() => null)
      : null;
    if (!user) throw new UnauthenticatedError('Admin credentials required');
    if (user.role !== 'admin') {
      const route = `${req.method} ${(req.originalUrl ?? req.url ?? '').split('?')[0].slice(0, 200)}`;
      await this.audit
        .record({
          actorId: user.id,
          action: 'admin.access_denied',
          targetType: 'route',
          targetId: route,
          outcome: 'denied',
          context: requestContextOf(req),
        })
        .catch(() => undefined);
      throw new ForbiddenError('The queue dashboard is for admins');
    }
    next();
  }
}
