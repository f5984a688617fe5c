import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@app/config';
import { EnvelopeCipher } from '@app/crypto';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthUsersLoader } from './auth-users.loader';
import { jwtKey, JWT_ALGORITHM, jwtVerifyOptions } from './jwt-settings';
import { LoginProtectionService } from './login-protection.service';
import { OidcClient } from './oidc.client';
import { OidcController } from './oidc.controller';
import { OidcService } from './oidc.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const key = jwtKey(config);
        return {
          secretOrKeyProvider: () => key,
          signOptions: {
            algorithm: JWT_ALGORITHM,
            expiresIn: config.jwt.expiresInSeconds,
            issuer: config.jwt.issuer,
            audience: config.jwt.audience,
          },
          verifyOptions: jwtVerifyOptions(config),
        };
      },
    }),
  ],
  controllers: [AuthController, OidcController],
  providers: [
    AuthService,
    AuthUsersLoader,
    LoginProtectionService,
    OidcClient,
    OidcService,
    // Seals the single sign-on flow cookie (oidc-flow-cookie.ts) with the credential keys.
    { provide: EnvelopeCipher, inject: [AppConfig], useFactory: (config: AppConfig) => new EnvelopeCipher(config.encryptionKeys) },
  ],
  exports: [AuthUsersLoader, JwtModule],
})
export class AuthModule {}
