import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { ApiKeyEntity } from '@app/database';
import { PageOf } from '../common/dto/pagination.dto';

export class CreateApiKeyRequest {
  @ApiProperty({ example: 'ci-pipeline', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'ci-pipeline' })
  name: string;
  @ApiProperty({ description: 'First characters of the key, to tell keys apart', example: 'flk_Ab12' })
  prefix: string;
  @ApiProperty({ nullable: true, type: String })
  lastUsedAt: string | null;
  @ApiProperty()
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
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ description: 'The key itself; shown only in this response. Send it as X-API-Key.' })
  key: string;
}

export class ApiKeyPage extends PageOf(ApiKeyResponse) {}
