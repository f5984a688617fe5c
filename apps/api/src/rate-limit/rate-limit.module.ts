import { ExecutionContext, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { MAIN_REDIS } from '@app/redis';
import { RATE_WINDOW_MS, requestsPerMinute } from './api-rate-limit.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

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
            limit: (context: ExecutionContext) => requestsPerMinute(context.switchToHttp().getRequest(), config.anonymousRequestsPerMinute) ?? Number.MAX_SAFE_INTEGER,
          },
        ],
      }),
    }),
  ],
})
export class RateLimitModule {}
