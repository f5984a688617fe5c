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
 */
export function adminGate(jwt: JwtService, users: AuthUsersLoader, config: AppConfig, audit: AuditService) {
  // Nest middleware on Fastify sees the Node request, to which middie copies `originalUrl`, `ip` and `id`.
  return (req: IncomingMessage & { originalUrl?: string }, _res: ServerResponse, next: (error?: unknown) => void): void => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = cookieValue(req.headers.cookie, DASHBOARD_COOKIE);
    const [token, audience] = bearer ? [bearer, config.jwt.audience] : [cookie, DASHBOARD_AUDIENCE];
    if (!token) return next(new UnauthenticatedError('Admin credentials required'));
    jwt
      .verifyAsync<{ sub?: string }>(token, jwtVerifyOptions(config, audience))
      .then((payload) => (typeof payload.sub === 'string' ? users.loadActive(payload.sub, 'jwt') : null))
      .then((user) => {
        if (!user) return next(new UnauthenticatedError('Admin credentials required'));
        if (user.role !== 'admin') {
          const route = `${req.method} ${(req.originalUrl ?? req.url ?? '').split('?')[0].slice(0, 200)}`;
          return void audit
            .record({
              actorId: user.id,
              action: 'admin.access_denied',
              targetType: 'route',
              targetId: route,
              outcome: 'denied',
              context: requestContextOf(req),
            })
            .catch(() => undefined)
            .then(() => next(new ForbiddenError('The queue dashboard is for admins')));
        }
        next();
      })
      .catch(() => next(new UnauthenticatedError('Admin credentials required')));
  };
}
