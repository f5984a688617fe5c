import { ExecutionContext, Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '@app/config';
import { WindowCounters } from '@app/queue-backend';
import { RATE_WINDOW_MS, requestsPerMinute } from './tier-rate-limit.guard';
import { TiersService } from './tiers.service';
import { WindowThrottlerStorage } from './window-throttler.storage';

/**
 * The tiers as the api applies them: a caller's effective limits, the plan
 * catalogue billing shows, the per-tier request rate (throttler counters
 * shared by every api process) and the limit errors. Global: every
 * domain asks it.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, WindowCounters],
      useFactory: (config: AppConfig, counters: WindowCounters) => ({
        storage: new WindowThrottlerStorage(counters),
        throttlers: [
          {
            name: 'default',
            ttl: RATE_WINDOW_MS,
            // Read on every request from the freshly loaded user: a tier change applies to the next request.
            limit: (context: ExecutionContext) =>
              requestsPerMinute(context.switchToHttp().getRequest(), config.anonymousRequestsPerMinute) ?? Number.MAX_SAFE_INTEGER,
          },
        ],
      }),
    }),
  ],
  providers: [TiersService],
  exports: [TiersService],
})
export class TiersModule {}
