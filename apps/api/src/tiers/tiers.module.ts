import { ExecutionContext, Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { MAIN_REDIS } from '@app/redis';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { RATE_WINDOW_MS, requestsPerMinute } from './tier-rate-limit.guard';
import { TiersService } from './tiers.service';

/**
 * The tiers as the api applies them: a caller's effective limits, the plan
 * catalogue billing shows, the per-tier request rate (throttler counters in
 * Redis, shared by every api process) and the limit errors. Global: every
 * domain asks it.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, MAIN_REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        storage: new RedisThrottlerStorage(redis, config),
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
