import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { UserRole } from '@app/database';
import { AuditService } from '../audit/audit.service';
import { requestContextOf } from '../audit/request-context';
import { ForbiddenError } from '../auth/auth.errors';
import type { AuthUser } from '../common/auth-user';
import { ROLES } from './roles.decorator';

@Injectable()
export class RolesGuard implements CanActivate {
  private readonly logger = new Logger(RolesGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    if (!roles || roles.length === 0) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const user = request.user;
    if (user && roles.includes(user.role)) return true;
    if (roles.includes('admin')) await this.recordDenied(request, user);
    throw new ForbiddenError('You do not have the role this action needs');
  }

  /** A refused admin call is worth knowing about; failing to record it must not turn the 403 into something else. */
  private async recordDenied(request: FastifyRequest, user: AuthUser | undefined): Promise<void> {
    const route = (request.routeOptions.url ?? request.url.split('?', 1)[0]).slice(0, 200);
    await this.audit
      .record({
        actorId: user?.id ?? null,
        action: 'admin.access_denied',
        targetType: 'route',
        targetId: `${request.method} ${route}`,
        outcome: 'denied',
        context: requestContextOf(request),
      })
      .catch((error: Error) => this.logger.warn(`Could not audit a refused admin call: ${error.message}`));
  }
}
