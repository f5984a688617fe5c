import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { UpdateMeRequest, UserResponse } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiAuthErrors()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({
    summary: 'The signed-in user',
    description: 'Whoever the bearer token or API key belongs to: tier, role, preferred region and custom limits.',
  })
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return UserResponse.from(await this.users.getById(user.id));
  }

  @Patch('me')
  @ApiOperation({
    summary: 'Change your name or preferred region',
    description: 'Role, tier and limits are not yours to change: such fields are rejected with 400.',
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400)
  async updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateMeRequest): Promise<UserResponse> {
    return UserResponse.from(await this.users.updateMe(user.id, body));
  }
}
