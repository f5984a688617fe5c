import { ApiKeyEntity } from './api-key.entity';
import { UserEntity } from './user.entity';

export * from './api-key.entity';
export * from './user.entity';

export const ENTITIES = [UserEntity, ApiKeyEntity];
