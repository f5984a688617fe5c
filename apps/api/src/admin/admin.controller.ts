import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../security/roles.decorator';
import { toPage } from '../common/dto/pagination.dto';
import { AdminUserResponse } from '../users/users.dto';
import { AdminUpdateUserRequest, AdminUserPage, AdminUsersQuery } from './admin.dto';
import { AdminService } from './admin.service';

@ApiTags('admin')
@ApiAuthErrors()
@ApiErrors(403)
@Roles('admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('users')
  @ApiOperation({
    summary: 'List users (admin)',
    description: 'Newest first; `email` filters by a part of the address.',
  })
  @ApiOkResponse({ type: AdminUserPage })
  @ApiErrors(400)
  async listUsers(@Query() query: AdminUsersQuery): Promise<AdminUserPage> {
    const [users, total] = await this.admin.listUsers(query.page, query.limit, query.email);
    return toPage(users.map(AdminUserResponse.from), total, query);
  }

  @Patch('users/:id')
  @ApiOperation({
    summary: "Change a user's tier, role, limits, region or disabled flag (admin)",
    description: 'Audited with the before and after values. An admin cannot demote or disable themselves (403 SELF_CHANGE_FORBIDDEN).',
  })
  @ApiOkResponse({ type: AdminUserResponse })
  @ApiErrors(400, 404)
  async updateUser(
    @CurrentUser() actor: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AdminUpdateUserRequest,
  ): Promise<AdminUserResponse> {
    return AdminUserResponse.from(await this.admin.updateUser(actor, id, body));
  }
}
