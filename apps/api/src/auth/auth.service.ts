import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { UserEntity } from '@app/database';
import { AppError, AuthErrorCode } from '@app/errors';
import { AuditService } from '../audit/audit.service';
import { UserResponse } from '../users/users.dto';
import { LoginRequest, LoginResponse, RegisterRequest, RegisterResponse } from './auth.dto';
import { isSsoEnforced, SsoRequiredError, UnauthenticatedError } from './auth.errors';
import { LoginProtectionService } from './login-protection.service';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';

const UNIQUE_VIOLATION = '23505';
const INVALID_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly jwt: JwtService,
    private readonly protection: LoginProtectionService,
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async register(request: RegisterRequest): Promise<RegisterResponse> {
    if (isSsoEnforced(request.email, this.config.ssoEnforcedDomains)) throw new SsoRequiredError();
    const passwordHash = await hashPassword(request.password);
    try {
      const user = await this.dataSource.transaction(async (manager) => {
        const created = await manager.save(manager.create(UserEntity, { email: request.email, name: request.name ?? null, passwordHash }));
        await this.audit.record(
          { actorId: created.id, action: 'auth.register', targetType: 'user', targetId: created.id, metadata: { email: created.email } },
          manager,
        );
        return created;
      });
      return { user: UserResponse.from(user), accessToken: await this.issueToken(user) };
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new AppError(AuthErrorCode.EmailTaken, 'An account with this email already exists');
      }
      throw error;
    }
  }

  /** Unknown email, wrong password and disabled account all answer the same 401. */
  async login(request: LoginRequest, ip: string): Promise<{ response: LoginResponse; user: UserEntity }> {
    // Before the password is looked at: for these domains no password is an answer, right or wrong.
    if (isSsoEnforced(request.email, this.config.ssoEnforcedDomains)) {
      await this.recordFailedLogin(request.email, null, 'sso_required', 'denied');
      throw new SsoRequiredError();
    }
    try {
      await this.protection.assertAllowed(ip, request.email);
    } catch (error) {
      if (error instanceof AppError && error.code === AuthErrorCode.LoginRateLimit)
        await this.recordFailedLogin(request.email, null, 'too_many_failures', 'denied');
      throw error;
    }
    const user = await this.users.findOneBy({ email: request.email });
    const valid = user ? await verifyPassword(user.passwordHash, request.password) : await verifyAgainstDummy(request.password);
    if (!user || !valid || user.disabled) {
      await this.protection.recordFailure(ip, request.email);
      await this.recordFailedLogin(
        request.email,
        user?.id ?? null,
        !user ? 'unknown_email' : !valid ? 'wrong_password' : 'disabled',
        'failure',
      );
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    await this.protection.recordSuccess(ip, request.email);
    await this.audit.record({ actorId: user.id, action: 'auth.login', targetType: 'user', targetId: user.id });
    return { response: await this.tokenResponseFor(user), user };
  }

  /** The answer of every sign-in (password or single sign-on): the same bearer token. */
  async tokenResponseFor(user: UserEntity): Promise<LoginResponse> {
    return { accessToken: await this.issueToken(user), tokenType: 'Bearer', expiresIn: this.config.jwt.expiresInSeconds };
  }

  /** Only the audit trail (admins) tells the reasons apart; the caller always gets the same 401. */
  private recordFailedLogin(email: string, userId: string | null, reason: string, outcome: 'failure' | 'denied'): Promise<void> {
    return this.audit.record({
      actorId: null,
      action: 'auth.login_failed',
      targetType: 'user',
      targetId: userId,
      outcome,
      metadata: { email, reason },
    });
  }

  private issueToken(user: UserEntity): Promise<string> {
    return this.jwt.signAsync({ sub: user.id, role: user.role });
  }
}
