import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AppConfig } from '@app/config';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthUsersLoader } from './auth-users.loader';
import { JwtStrategy } from './jwt.strategy';
import { LoginProtectionService } from './login-protection.service';

@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwt.secret,
        signOptions: {
          algorithm: 'HS256',
          expiresIn: config.jwt.expiresInSeconds,
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
        },
        verifyOptions: { algorithms: ['HS256'], issuer: config.jwt.issuer, audience: config.jwt.audience },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, AuthUsersLoader, JwtStrategy, LoginProtectionService],
  exports: [AuthUsersLoader, JwtModule],
})
export class AuthModule {}
