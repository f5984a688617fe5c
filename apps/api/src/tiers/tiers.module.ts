import { ExecutionContext, Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '@app/config';
import { WindowCounters } from '@app/queue-backend';
import type { AuthUser } from '../common/auth-user';
import { RATE_WINDOW_MS, RequestBudgets, userRequestsPerMinute } from './request-budgets';
import { TiersService } from './tiers.service';
import { WindowThrottlerStorage } from './window-throttler.storage';

/**
 * The tiers as the api applies them: a caller's effective limits, the plan
 * catalogue billing shows, the per-tier request rate (throttler counters
 * shared by every api process), the anonymous per-address budget and the
 * webhook owner's budget (RequestBudgets), and the limit errors. Global: every
 * domain asks it.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [WindowCounters],
      useFactory: (counters: WindowCounters) => ({
        storage: new WindowThrottlerStorage(counters),
        throttlers: [
          {
            name: 'default',
            ttl: RATE_WINDOW_MS,
            // Read on every request from the freshly loaded user: a tier change applies to the next request.
            // (The guard counts only requests with a user, and skips the unlimited ones.)
            limit: (context: ExecutionContext) => {
              const { user } = context.switchToHttp().getRequest<{ user?: AuthUser }>();
              return (user && userRequestsPerMinute(user)) ?? Number.MAX_SAFE_INTEGER;
            },
          },
        ],
      }),
    }),
  ],
  providers: [
    TiersService,
    {
      provide: RequestBudgets,
      inject: [AppConfig, WindowCounters],
      useFactory: (config: AppConfig, counters: WindowCounters) =>
        new RequestBudgets(config.anonymousRequestsPerMinute, new WindowThrottlerStorage(counters)),
    },
  ],
  exports: [TiersService, RequestBudgets],
})
export class TiersModule {}
