import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { MAIN_REDIS } from '@app/redis';
import { AppError, AuthErrorCode } from '@app/errors';

/**
 * Counts failed logins per IP and per email in fixed windows. A window
 * expires on its own, so someone else's failures lock a real user out for
 * at most one window; a successful login clears the email's count.
 */
@Injectable()
export class LoginProtectionService {
  constructor(
    @Inject(MAIN_REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async assertAllowed(ip: string, email: string): Promise<void> {
    const [ipKey, emailKey] = this.keys(ip, email);
    const { maxFailuresPerIp, maxFailuresPerEmail } = this.config.loginProtection;
    const results = await this.redis.multi().get(ipKey).pttl(ipKey).get(emailKey).pttl(emailKey).exec();
    const [ipCount, ipTtl, emailCount, emailTtl] = (results ?? []).map(([, value]) => Number(value ?? 0));
    const blockedTtl = Math.max(ipCount >= maxFailuresPerIp ? ipTtl : 0, emailCount >= maxFailuresPerEmail ? emailTtl : 0);
    if (blockedTtl > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(blockedTtl / 1000));
      throw new AppError(AuthErrorCode.LoginRateLimit, 'Too many failed logins; try again later', { retryAfterSeconds });
    }
  }

  async recordFailure(ip: string, email: string): Promise<void> {
    const window = this.config.loginProtection.windowSeconds;
    const pipeline = this.redis.multi();
    for (const key of this.keys(ip, email)) pipeline.incr(key).expire(key, window, 'NX');
    await pipeline.exec();
  }

  async recordSuccess(ip: string, email: string): Promise<void> {
    await this.redis.del(this.keys(ip, email)[1]);
  }

  private keys(ip: string, email: string): [string, string] {
    const prefix = `${this.config.redisKeyPrefix}:login-fail`;
    // Hash the email: Redis keys show up in monitoring tools.
    const emailHash = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
    return [`${prefix}:ip:${ip}`, `${prefix}:email:${emailHash}`];
  }
}
