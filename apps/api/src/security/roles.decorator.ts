import { SetMetadata } from '@nestjs/common';
import type { UserRole } from '@app/database';

export const ROLES = 'flowline:roles';

export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);
