import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import { CREDENTIAL_FIELDS, CREDENTIAL_TYPES, CredentialType } from '@app/crypto';
import type { CredentialEntity } from '@app/database';
import { RESPONSE_TIMESTAMP, RESPONSE_UUID, TextField } from '../common/dto/fields';
import { PageOf } from '../common/dto/pagination.dto';

const CREDENTIAL_NAME = { minLength: 1, maxLength: 200 } as const;

export class BearerCredentialData {
  @ApiProperty({ description: 'Sent as `Authorization: Bearer <token>`; printable ASCII, no spaces', maxLength: 8192, writeOnly: true })
  token: string;
}

export class BasicCredentialData {
  @ApiProperty({ description: 'No ":"', maxLength: 1024 })
  username: string;
  @ApiProperty({ maxLength: 8192, writeOnly: true })
  password: string;
}

export class HeaderCredentialData {
  @ApiProperty({
    example: 'X-Api-Key',
    maxLength: 100,
    pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
    description: 'An HTTP header name (not Host, Content-Length or another framing header)',
  })
  name: string;
  @ApiProperty({ maxLength: 8192, description: 'Printable ASCII', writeOnly: true })
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
  @TextField({ ...CREDENTIAL_NAME, example: 'Stripe live key' })
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
  @TextField({ ...CREDENTIAL_NAME, optional: true })
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
  @ApiProperty({ ...RESPONSE_UUID, description: 'Use it as `credentialId` in an http step' })
  id: string;
  @ApiProperty({ type: 'string', ...CREDENTIAL_NAME })
  name: string;
  @ApiProperty({ enum: CREDENTIAL_TYPES })
  type: CredentialType;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: ['token', 'username', 'password', 'name', 'value'] },
    maxItems: 2,
    example: ['token'],
    description: 'Which secret fields are set; their values are never returned',
  })
  fields: string[];
  @ApiProperty(RESPONSE_TIMESTAMP)
  createdAt: string;
  @ApiProperty(RESPONSE_TIMESTAMP)
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
