import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { AppConfig } from '@app/config';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthUsersLoader } from './auth-users.loader';
import { LoginProtectionService } from './login-protection.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        // One key object for the process: given a string, jsonwebtoken first tries to parse it as a
        // PEM public key on every call, which the profile showed as the costliest part of a request.
        const key = createSecretKey(Buffer.from(config.jwt.secret, 'utf8'));
        return {
          secretOrKeyProvider: () => key,
          signOptions: {
            algorithm: 'HS256',
            expiresIn: config.jwt.expiresInSeconds,
            issuer: config.jwt.issuer,
            audience: config.jwt.audience,
          },
          verifyOptions: { algorithms: ['HS256'], issuer: config.jwt.issuer, audience: config.jwt.audience, maxAge: config.jwt.expiresIn },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, AuthUsersLoader, LoginProtectionService],
  exports: [AuthUsersLoader, JwtModule],
})
export class AuthModule {}
