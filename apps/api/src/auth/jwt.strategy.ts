import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@app/config';
import type { AuthUser } from '../common/auth-user';
import { AuthUsersLoader } from './auth-users.loader';

interface TokenPayload {
  sub?: unknown;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly loader: AuthUsersLoader,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwt.secret,
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { maxAge: config.jwt.expiresIn },
    });
  }

  async validate(payload: TokenPayload): Promise<AuthUser> {
    if (typeof payload.sub !== 'string') throw new UnauthorizedException('Invalid token');
    const user = await this.loader.loadActive(payload.sub, 'jwt');
    if (!user) throw new UnauthorizedException('Invalid token');
    return user;
  }
}
