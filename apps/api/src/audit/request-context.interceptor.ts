import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { requestContextOf, runWithRequestContext } from './request-context';

/**
 * Makes the request's ip, user agent and id available to AuditService without
 * threading them through every service call. An interceptor (not a
 * middleware) so the context wraps the handler itself, after body parsing.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const requestContext = requestContextOf(context.switchToHttp().getRequest());
    return new Observable((subscriber) => runWithRequestContext(requestContext, () => next.handle().subscribe(subscriber)));
  }
}
