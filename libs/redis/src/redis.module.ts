import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { createRedis, failFastRedisOptions } from './redis-connection';

/** The main Redis (`REDIS_URL`): rate limits, login protection, counters. */
export const MAIN_REDIS = Symbol('MAIN_REDIS');

@Global()
@Module({
  providers: [
    {
      provide: MAIN_REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createRedis(config.redisUrl, failFastRedisOptions()),
    },
  ],
  exports: [MAIN_REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(MAIN_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
