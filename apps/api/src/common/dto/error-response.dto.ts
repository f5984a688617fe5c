import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REGION_LIMITS } from '@app/config';
import { FIELD_ERRORS_BOUNDS } from '@app/errors';
import { MAX_ERROR_MESSAGE } from '../errors/error-body';
import { HTTP_STATUS_OF } from '../errors/error-status.table';

const INTEGER = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export class FieldErrors {
  @ApiProperty({ type: 'string', maxLength: FIELD_ERRORS_BOUNDS.field, example: 'steps[0].params.url' })
  field: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: FIELD_ERRORS_BOUNDS.error },
    maxItems: FIELD_ERRORS_BOUNDS.errorsPerField,
  })
  errors: string[];
}

export class ErrorResponse {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 })
  statusCode: number;

  @ApiProperty({ type: 'string', maxLength: 60, example: 'Bad Request', description: "The status's reason phrase" })
  error: string;

  @ApiProperty({ type: 'string', maxLength: MAX_ERROR_MESSAGE, example: 'email must be an email' })
  message: string;

  @ApiProperty({
    enum: [...Object.keys(HTTP_STATUS_OF), 'ERROR'],
    example: 'VALIDATION_FAILED',
    description: 'Stable and machine-readable (DESIGN.md "Errors"); ERROR for a status without a code of its own',
  })
  code: string;

  @ApiPropertyOptional({ type: [FieldErrors], maxItems: FIELD_ERRORS_BOUNDS.fields, description: 'Offending fields of a validation error' })
  fields?: FieldErrors[];

  @ApiPropertyOptional({ ...INTEGER, description: 'The limit that was hit (limit errors)' })
  limit?: number;

  @ApiPropertyOptional({ ...INTEGER, description: 'The current usage (limit errors)' })
  current?: number;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: REGION_LIMITS.maxLength },
    maxItems: REGION_LIMITS.maxCount,
    description: 'UNKNOWN_REGION: the regions a run may use',
  })
  validRegions?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    maxProperties: 20,
    description: 'SERVICE_UNAVAILABLE from a health check: each dependency and its state',
  })
  checks?: Record<string, 'up' | 'down'>;

  @ApiPropertyOptional({ type: 'string', maxLength: 64, description: "5xx: the request's id, to quote to an operator (the logs carry it)" })
  errorId?: string;
}
