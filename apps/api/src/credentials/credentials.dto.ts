import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CREDENTIAL_FIELDS, CREDENTIAL_TYPES, CredentialType } from '@app/crypto';
import type { CredentialEntity } from '@app/database';
import { PageOf } from '../common/dto/pagination.dto';

export class BearerCredentialData {
  @ApiProperty({ description: 'Sent as `Authorization: Bearer <token>`; printable ASCII, no spaces', maxLength: 8192 })
  token: string;
}

export class BasicCredentialData {
  @ApiProperty({ description: 'No ":"', maxLength: 1024 })
  username: string;
  @ApiProperty({ maxLength: 8192 })
  password: string;
}

export class HeaderCredentialData {
  @ApiProperty({ example: 'X-Api-Key', description: 'An HTTP header name (not Host, Content-Length or another framing header)' })
  name: string;
  @ApiProperty({ maxLength: 8192, description: 'Printable ASCII' })
  value: string;
}

const DATA_SCHEMA = {
  description: 'The secret; its fields depend on `type`. Write-only: no response ever holds it.',
  oneOf: [
    { $ref: getSchemaPath(BearerCredentialData) },
    { $ref: getSchemaPath(BasicCredentialData) },
    { $ref: getSchemaPath(HeaderCredentialData) },
  ],
};

@ApiExtraModels(BearerCredentialData, BasicCredentialData, HeaderCredentialData)
export class CreateCredentialRequest {
  @ApiProperty({ example: 'Stripe live key', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: CREDENTIAL_TYPES })
  @IsIn(CREDENTIAL_TYPES)
  type: CredentialType;

  @ApiProperty(DATA_SCHEMA)
  @IsObject()
  data: Record<string, unknown>;
}

@ApiExtraModels(BearerCredentialData, BasicCredentialData, HeaderCredentialData)
export class UpdateCredentialRequest {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: CREDENTIAL_TYPES, description: 'Changing the type needs `data` of the new type' })
  @IsOptional()
  @IsIn(CREDENTIAL_TYPES)
  type?: CredentialType;

  @ApiPropertyOptional({ ...DATA_SCHEMA, description: 'Replaces the whole secret (fields are not merged)' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class CredentialResponse {
  @ApiProperty({ format: 'uuid', description: 'Use it as `credentialId` in an http step' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ enum: CREDENTIAL_TYPES })
  type: CredentialType;
  @ApiProperty({ type: [String], example: ['token'], description: 'Which secret fields are set; their values are never returned' })
  fields: string[];
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  static from(entity: CredentialEntity): CredentialResponse {
    return {
      id: entity.id,
      name: entity.name,
      type: entity.type,
      fields: [...CREDENTIAL_FIELDS[entity.type]],
      createdAt: entity.createdAt.toISOString(),
      updatedAt: entity.updatedAt.toISOString(),
    };
  }
}

export class CredentialPage extends PageOf(CredentialResponse) {}
