import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@app/config';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthUsersLoader } from './auth-users.loader';
import { jwtKey, JWT_ALGORITHM, jwtVerifyOptions } from './jwt-settings';
import { LoginProtectionService } from './login-protection.service';

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
  controllers: [AuthController],
  providers: [AuthService, AuthUsersLoader, LoginProtectionService],
  exports: [AuthUsersLoader, JwtModule],
})
export class AuthModule {}
