import { ApiProperty } from '@nestjs/swagger';
import type { ApiKeyEntity } from '@app/database';
import { RESPONSE_TIMESTAMP, RESPONSE_UUID, TextField } from '../common/dto/fields';
import { PageOf } from '../common/dto/pagination.dto';

const KEY_NAME = { minLength: 1, maxLength: 100 } as const;

export class CreateApiKeyRequest {
  @TextField({ ...KEY_NAME, example: 'ci-pipeline' })
  name: string;
}

export class ApiKeyResponse {
  @ApiProperty(RESPONSE_UUID)
  id: string;
  @ApiProperty({ type: 'string', ...KEY_NAME, example: 'ci-pipeline' })
  name: string;
  @ApiProperty({
    type: 'string',
    pattern: '^flk_[A-Za-z0-9_-]{4}$',
    maxLength: 8,
    description: 'First characters of the key, to tell keys apart',
    example: 'flk_Ab12',
  })
  prefix: string;
  @ApiProperty({ ...RESPONSE_TIMESTAMP, nullable: true })
  lastUsedAt: string | null;
  @ApiProperty(RESPONSE_TIMESTAMP)
  createdAt: string;

  static from(key: ApiKeyEntity): ApiKeyResponse {
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
    };
  }
}

export class CreatedApiKeyResponse {
  @ApiProperty(RESPONSE_UUID)
  id: string;
  @ApiProperty({ type: 'string', ...KEY_NAME })
  name: string;
  @ApiProperty({
    type: 'string',
    pattern: '^flk_[A-Za-z0-9_-]{43}$',
    maxLength: 47,
    description: 'The key itself; shown only in this response. Send it as X-API-Key.',
  })
  key: string;
}

export class ApiKeyPage extends PageOf(ApiKeyResponse) {}
