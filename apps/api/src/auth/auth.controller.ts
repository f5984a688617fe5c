import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { ErrorResponse } from '../common/dto/error-response.dto';
import { Public } from '../security/public.decorator';
import { LoginRequest, LoginResponse, RegisterRequest, RegisterResponse } from './auth.dto';
import { AuthService } from './auth.service';

const SSO_REQUIRED_DESCRIPTION = 'SSO_REQUIRED: the email domain is in SSO_ENFORCED_DOMAINS; sign in with GET /auth/oidc/login';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @ApiOperation({
    summary: 'Create an account (free tier) and get a token',
    description:
      'The email is trimmed and lower-cased; a taken email is 409 EMAIL_TAKEN. ' +
      'Refused with 403 SSO_REQUIRED for a domain that must use single sign-on.',
  })
  @ApiCreatedResponse({ type: RegisterResponse })
  @ApiErrors(400, 409, 429, 503)
  @ApiResponse({ status: 403, description: SSO_REQUIRED_DESCRIPTION, type: ErrorResponse })
  register(@Body() body: RegisterRequest): Promise<RegisterResponse> {
    return this.auth.register(body);
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange email and password for a bearer token',
    description:
      'Repeated failures lock out the address and the email for a while (429 LOGIN_RATE_LIMIT with Retry-After). ' +
      'The token expires after JWT_EXPIRES_IN.',
  })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(400, 401, 429, 503)
  @ApiResponse({ status: 403, description: SSO_REQUIRED_DESCRIPTION, type: ErrorResponse })
  async login(@Body() body: LoginRequest, @Req() request: FastifyRequest): Promise<LoginResponse> {
    const { response } = await this.auth.login(body, request.ip);
    return response;
  }
}
