import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { ErrorResponse } from '../common/dto/error-response.dto';
import { Public } from '../security/public.decorator';
import { LoginResponse } from './auth.dto';
import { clearedOidcFlowCookie } from './oidc-flow-cookie';
import { OidcService } from './oidc.service';

const NOT_ENABLED = 'Single sign-on is not enabled (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URL)';
const PROVIDER_DOWN = 'The identity provider (or PostgreSQL/Redis) cannot be reached; see Retry-After';

@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  constructor(private readonly oidc: OidcService) {}

  @Public()
  @Get('login')
  @ApiOperation({
    summary: 'Sign in with the identity provider (OIDC): redirects there',
    description:
      'Open in a browser. Answers 302 to the provider (authorization code flow with PKCE S256, state and nonce) and sets a ' +
      'short-lived HttpOnly cookie that binds the sign-in to this browser; the provider sends the browser back to ' +
      'GET /auth/oidc/callback.',
  })
  @ApiFoundResponse({
    description: "Redirect to the provider's authorization endpoint",
    headers: {
      Location: {
        description: "The provider's authorization endpoint with the flow's parameters",
        schema: { type: 'string', format: 'uri', maxLength: 8192 },
      },
      'Set-Cookie': {
        description: 'flowline_oidc: the sealed sign-in flow (10 minutes, HttpOnly, SameSite=Lax)',
        // A browser keeps no cookie beyond 4096 bytes; the sealed flow is well under it.
        schema: { type: 'string', maxLength: 4096 },
      },
    },
  })
  @ApiErrors(429)
  @ApiResponse({ status: 404, description: NOT_ENABLED, type: ErrorResponse })
  @ApiResponse({ status: 503, description: PROVIDER_DOWN, type: ErrorResponse })
  async login(@Res() reply: FastifyReply): Promise<void> {
    const { location, cookie } = await this.oidc.start();
    void reply.header('Set-Cookie', cookie).redirect(location, 302);
  }

  @Public()
  @Get('callback')
  @ApiOperation({
    summary: 'Where the identity provider sends the browser back: verifies and answers a bearer token',
    description:
      'Verifies the state against the sign-in cookie, redeems the code with the PKCE verifier, and verifies the ID token ' +
      "(issuer, audience, expiry, nonce, signature from the provider's JWKS). The email must be verified by the provider; " +
      'the user with that email signs in, or is created (free tier). Every refusal is the same 401; the audit log ' +
      '(auth.sso_login_failed) has the reason.',
  })
  @ApiQuery({ name: 'code', required: false, description: 'Authorization code (from the provider)' })
  @ApiQuery({ name: 'state', required: false, description: 'The state sent with the authorization request' })
  @ApiQuery({ name: 'error', required: false, description: "The provider's OAuth error, when it refused" })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(401, 429)
  @ApiResponse({ status: 404, description: NOT_ENABLED, type: ErrorResponse })
  @ApiResponse({ status: 503, description: PROVIDER_DOWN, type: ErrorResponse })
  callback(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<LoginResponse> {
    this.oidc.assertEnabled();
    // The query is read raw: providers add parameters of their own (iss, session_state, scope) that a DTO would refuse.
    void reply.header('Set-Cookie', clearedOidcFlowCookie(this.oidc.cookieScope));
    return this.oidc.finish(request.url, request.headers.cookie);
  }
}
