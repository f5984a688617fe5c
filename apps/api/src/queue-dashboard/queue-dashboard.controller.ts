import { Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../security/roles.decorator';
import { DASHBOARD_AUDIENCE, DASHBOARD_COOKIE, DASHBOARD_SESSION_SECONDS } from './admin-gate';

@ApiTags('admin')
@ApiAuthErrors()
@ApiErrors(403)
@Roles('admin')
@Controller('admin')
export class QueueDashboardController {
  constructor(
    private readonly jwt: JwtService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post('queues-session')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Open the queue dashboard in this browser (admin)',
    description: `Sets a ${DASHBOARD_SESSION_SECONDS / 60}-minute HttpOnly cookie scoped to /admin/queues; then open /admin/queues. A bearer token also works for the dashboard's API.`,
  })
  @ApiNoContentResponse()
  async openSession(
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<void> {
    const token = await this.jwt.signAsync({ sub: user.id }, { audience: DASHBOARD_AUDIENCE, expiresIn: DASHBOARD_SESSION_SECONDS });
    this.adapterHost.httpAdapter.setCookie(response, DASHBOARD_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/admin/queues',
      maxAge: DASHBOARD_SESSION_SECONDS,
    });
  }
}
