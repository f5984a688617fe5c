import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuthModule } from '../auth/auth.module';
import { TierRateLimitGuard } from '../tiers/tier-rate-limit.guard';
import { TiersModule } from '../tiers/tiers.module';
import { ApiKeyStrategy } from './api-key.strategy';
import { AuthenticationGuard } from './authentication.guard';
import { JwtStrategy } from './jwt.strategy';
import { JsonBodyMiddleware } from './request-body/json-body.middleware';
import { RolesGuard } from './roles.guard';

/**
 * Who may call what: passport strategies (JWT, API key), the global guards and
 * the request-body rules. Headers, CORS and proxy trust are applied to the app
 * by `applySecurity` (they need the HTTP adapter, not a module).
 */
@Module({
  imports: [PassportModule, AuthModule, ApiKeysModule, TiersModule],
  providers: [
    JwtStrategy,
    ApiKeyStrategy,
    // Order matters: authenticate, then count the request against the caller's tier rate, then check roles.
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: TierRateLimitGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
})
export class SecurityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes('*');
  }
}
