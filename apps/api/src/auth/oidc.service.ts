import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { EnvelopeCipher } from '@app/crypto';
import { UserEntity } from '@app/database';
import { AppError, CommonErrorCode, ServiceUnavailableError } from '@app/errors';
import { WindowCounters } from '@app/queue-backend';
import { AuditService } from '../audit/audit.service';
import { LoginResponse } from './auth.dto';
import { UnauthenticatedError } from './auth.errors';
import { AuthService } from './auth.service';
import { OidcClient, OidcIdentity } from './oidc.client';
import {
  FlowCookieScope,
  flowCookieScopeOf,
  newOidcFlow,
  OIDC_FLOW_TTL_SECONDS,
  oidcFlowCookie,
  oidcFlowCookieValue,
  openOidcFlow,
  sealOidcFlow,
} from './oidc-flow-cookie';
import { OidcFailure } from './oidc-failure';
import { hashPassword } from './passwords';

const UNIQUE_VIOLATION = '23505';

/**
 * Sign-in with the configured OpenID provider. Every refusal of a callback answers the
 * same 401 (the audit trail, for admins, tells the reasons apart) except an unreachable
 * provider, which is a 503. No answer, log line or audit row holds a code or token.
 */
@Injectable()
export class OidcService {
  constructor(
    private readonly config: AppConfig,
    private readonly client: OidcClient,
    private readonly cipher: EnvelopeCipher,
    private readonly counters: WindowCounters,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
  ) {}

  /** The routes exist in every deployment (and in the API document); without the four settings they answer 404. */
  assertEnabled(): void {
    if (!this.config.oidc) throw new AppError(CommonErrorCode.NotFound, 'Single sign-on is not enabled on this deployment');
  }

  /** The flow cookie's Path and Secure, from the address the browser comes back to. */
  get cookieScope(): FlowCookieScope {
    return flowCookieScopeOf(this.config.oidc?.redirectUrl ?? 'http://localhost/auth/oidc/callback');
  }

  async start(): Promise<{ location: string; cookie: string }> {
    this.assertEnabled();
    const flow = newOidcFlow();
    let location: string;
    try {
      location = await this.client.authorizationUrl(flow);
    } catch (error) {
      throw error instanceof OidcFailure ? this.answerFor(error) : error;
    }
    return { location, cookie: oidcFlowCookie(sealOidcFlow(this.cipher, this.clientId, flow), this.cookieScope) };
  }

  /** `requestUrl`: the callback's path and query as received; `cookieHeader`: the browser's Cookie header. */
  async finish(requestUrl: string, cookieHeader: string | undefined): Promise<LoginResponse> {
    this.assertEnabled();
    try {
      const identity = await this.verify(requestUrl, cookieHeader);
      const user = await this.signIn(identity);
      return await this.auth.tokenResponseFor(user);
    } catch (error) {
      if (!(error instanceof OidcFailure)) throw error;
      await this.audit.record({
        actorId: null,
        action: 'auth.sso_login_failed',
        targetType: 'user',
        targetId: error.options.userId ?? null,
        outcome: error.reason === 'disabled' ? 'denied' : 'failure',
        metadata: {
          reason: error.reason,
          issuer: this.client.issuer,
          ...(error.options.providerError ? { providerError: error.options.providerError } : {}),
          ...(error.options.email ? { email: error.options.email } : {}),
        },
      });
      throw this.answerFor(error);
    }
  }

  private async verify(requestUrl: string, cookieHeader: string | undefined): Promise<OidcIdentity> {
    const flow = openOidcFlow(this.cipher, this.clientId, oidcFlowCookieValue(cookieHeader));
    if (typeof flow === 'string') throw new OidcFailure(flow);
    // The callback URL openid-client checks is the configured one with the query received: never built from the Host header.
    const callbackUrl = new URL(this.config.oidc!.redirectUrl);
    callbackUrl.search = new URL(requestUrl, 'http://callback.invalid').search;
    // openid-client compares the state too; checking it here first names the failure and spends nothing on a forgery.
    if (!sameSecret(callbackUrl.searchParams.get('state'), flow.state)) throw new OidcFailure('state_mismatch');
    // Single use, across api processes: the first callback of a flow spends it.
    const spent = await this.counters.hit(`oidc-flow:${sha256(flow.state)}`, OIDC_FLOW_TTL_SECONDS * 1000);
    if (spent.hits > 1) throw new OidcFailure('flow_replayed');
    const identity = await this.client.exchange(callbackUrl, flow);
    if (!identity.email) throw new OidcFailure('email_missing');
    const email = identity.email.trim().toLowerCase();
    // The same bounds registration puts on an email; a provider's claim is not trusted to be one.
    if (email.length > 254 || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new OidcFailure('email_invalid');
    if (!identity.emailVerified) throw new OidcFailure('email_unverified', { email });
    return { ...identity, email };
  }

  /** Matches the user by verified email, or creates one: free tier, role user, and a password nobody knows. */
  private async signIn(identity: OidcIdentity): Promise<UserEntity> {
    const email = identity.email as string;
    const existing = await this.users.findOneBy({ email });
    if (existing) return this.signInExisting(existing, identity);
    const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
    try {
      return await this.dataSource.transaction(async (manager) => {
        const created = await manager.save(manager.create(UserEntity, { email, name: identity.name, passwordHash }));
        await this.recordSuccess(created, identity, true, manager);
        return created;
      });
    } catch (error) {
      // Two first sign-ins at once (two tabs): the other one created the user.
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        const winner = await this.users.findOneBy({ email });
        if (winner) return this.signInExisting(winner, identity);
      }
      throw error;
    }
  }

  private async signInExisting(user: UserEntity, identity: OidcIdentity): Promise<UserEntity> {
    if (user.disabled) throw new OidcFailure('disabled', { email: user.email, userId: user.id });
    await this.recordSuccess(user, identity, false);
    return user;
  }

  private recordSuccess(user: UserEntity, identity: OidcIdentity, created: boolean, manager?: Parameters<AuditService['record']>[1]) {
    return this.audit.record(
      {
        actorId: user.id,
        action: 'auth.sso_login',
        targetType: 'user',
        targetId: user.id,
        metadata: { email: user.email, issuer: this.client.issuer, subject: identity.subject, created },
      },
      manager,
    );
  }

  private answerFor(failure: OidcFailure): AppError {
    return failure.unreachable
      ? new ServiceUnavailableError('The identity provider cannot be reached; try again shortly')
      : new UnauthenticatedError('Sign-in with the identity provider failed');
  }

  private get clientId(): string {
    return this.config.oidc!.clientId;
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/** Constant-time comparison of two secrets of any length. */
function sameSecret(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const [a, b] = [Buffer.from(sha256(received)), Buffer.from(sha256(expected))];
  return timingSafeEqual(a, b);
}
