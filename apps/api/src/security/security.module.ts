import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuthModule } from '../auth/auth.module';
import { TierRateLimitGuard } from '../tiers/tier-rate-limit.guard';
import { TiersModule } from '../tiers/tiers.module';
import { AnonymousRateLimitGuard } from './anonymous-rate-limit.guard';
import { ApiKeyStrategy } from './api-key.strategy';
import { AuthenticationGuard } from './authentication.guard';
import { JwtStrategy } from './jwt.strategy';
import { RolesGuard } from './roles.guard';

/**
 * Who may call what: passport strategies (JWT, API key) and the global guards.
 * Headers, CORS and the body parser are applied to the app by `applySecurity`
 * and `registerJsonBodyParser`, proxy trust by createApiApp (they need the
 * HTTP adapter, not a module).
 */
@Module({
  imports: [PassportModule, AuthModule, ApiKeysModule, TiersModule],
  providers: [
    JwtStrategy,
    ApiKeyStrategy,
    // Order matters: count the request against its address unless a JWT's signature vouches for it (no
    // database yet), authenticate (a valid API key gets its address hit back), count it against the
    // caller's tier rate, then check roles.
    { provide: APP_GUARD, useClass: AnonymousRateLimitGuard },
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: TierRateLimitGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
})
export class SecurityModule {}
