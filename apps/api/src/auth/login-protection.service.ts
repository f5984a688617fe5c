import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '@app/config';
import { WindowCounters } from '@app/queue-backend';
import { AppError, AuthErrorCode } from '@app/errors';
import { clientNetwork } from '../security/client-network';

/**
 * Counts failed logins per IP and per email in fixed windows. A window
 * expires on its own, so someone else's failures lock a real user out for
 * at most one window; a successful login clears the email's count.
 */
@Injectable()
export class LoginProtectionService {
  constructor(
    private readonly counters: WindowCounters,
    private readonly config: AppConfig,
  ) {}

  async assertAllowed(ip: string, email: string): Promise<void> {
    const [ipKey, emailKey] = this.keys(ip, email);
    const { maxFailuresPerIp, maxFailuresPerEmail } = this.config.loginProtection;
    const [ipCount, emailCount] = await this.counters.read([ipKey, emailKey]);
    const blockedTtl = Math.max(
      ipCount.hits >= maxFailuresPerIp ? ipCount.ttlMs : 0,
      emailCount.hits >= maxFailuresPerEmail ? emailCount.ttlMs : 0,
    );
    if (blockedTtl > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(blockedTtl / 1000));
      throw new AppError(AuthErrorCode.LoginRateLimit, 'Too many failed logins; try again later', { retryAfterSeconds });
    }
  }

  async recordFailure(ip: string, email: string): Promise<void> {
    const windowMs = this.config.loginProtection.windowSeconds * 1000;
    await Promise.all(this.keys(ip, email).map((key) => this.counters.hit(key, windowMs)));
  }

  async recordSuccess(ip: string, email: string): Promise<void> {
    await this.counters.clear(this.keys(ip, email)[1]);
  }

  private keys(ip: string, email: string): [string, string] {
    const prefix = 'login-fail';
    // Hash the email: counter keys show up in monitoring tools.
    const emailHash = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
    return [`${prefix}:ip:${clientNetwork(ip)}`, `${prefix}:email:${emailHash}`];
  }
}
