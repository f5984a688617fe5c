import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorResponse {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;

  @ApiProperty({ example: 'VALIDATION_FAILED' })
  code: string;

  @ApiPropertyOptional({ description: 'Offending fields of a validation error' })
  fields?: { field: string; errors: string[] }[];

  @ApiPropertyOptional({ description: 'The limit that was hit (limit errors)' })
  limit?: number;

  @ApiPropertyOptional({ description: 'The current usage (limit errors)' })
  current?: number;
}
