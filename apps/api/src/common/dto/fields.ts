import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

/**
 * Request fields whose document and validation come from one declaration: the bounds given here are both
 * what the validator enforces and what the OpenAPI document says (openapi-document.spec.ts checks every
 * DTO for the two agreeing, these decorators or not).
 */
interface FieldText {
  description?: string;
  example?: unknown;
  default?: unknown;
}

interface Presence {
  /** May be left out. */
  optional?: boolean;
  /** May be null (validation skips it then). */
  nullable?: boolean;
}

export const INT32_MAX = 2_147_483_647;

/** int32 when the bounds fit, int64 otherwise (OpenAPI's two integer formats). */
export function integerFormat(minimum: number, maximum: number): 'int32' | 'int64' {
  return minimum >= -INT32_MAX - 1 && maximum <= INT32_MAX ? 'int32' : 'int64';
}

function presence(options: Presence): PropertyDecorator[] {
  return [
    ...(options.optional ? [IsOptional()] : []),
    ...(options.nullable ? [ValidateIf((_object: object, value: unknown) => value !== null)] : []),
  ];
}

function documented(options: Presence & FieldText, schema: Record<string, unknown>): PropertyDecorator {
  const { optional, nullable, ...text } = options;
  const property = { ...text, ...schema, ...(nullable ? { nullable: true } : {}) };
  return optional ? ApiPropertyOptional(property) : ApiProperty(property);
}

/** An integer from `min` to `max`; `fromQuery` converts the query string's text first. */
export function IntegerField(options: { min: number; max: number; fromQuery?: boolean } & Presence & FieldText): PropertyDecorator {
  const { min, max, fromQuery, ...rest } = options;
  return applyDecorators(
    documented(rest, { type: 'integer', format: integerFormat(min, max), minimum: min, maximum: max }),
    ...presence(rest),
    ...(fromQuery ? [Type(() => Number)] : []),
    IsInt(),
    Min(min),
    Max(max),
  );
}

/** A string of at most `maxLength` characters (at least `minLength`), matching `pattern` when given. */
export function TextField(
  options: { maxLength: number; minLength?: number; pattern?: RegExp; format?: string } & Presence & FieldText,
): PropertyDecorator {
  const { maxLength, minLength, pattern, format, ...rest } = options;
  return applyDecorators(
    documented(rest, {
      type: 'string',
      maxLength,
      ...(minLength === undefined ? {} : { minLength }),
      ...(pattern ? { pattern: pattern.source } : {}),
      ...(format ? { format } : {}),
    }),
    ...presence(rest),
    IsString(),
    MaxLength(maxLength),
    ...(minLength === undefined ? [] : [MinLength(minLength)]),
    ...(pattern ? [Matches(pattern)] : []),
  );
}

/** Response fields: the shapes the server writes, documented with their bounds. */
/** A count or limit in an answer: a non-negative int32 (nullable where null means unlimited). */
export function responseCount(options: { description?: string; example?: number; nullable?: boolean } = {}) {
  return { type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX, ...options } as const;
}
/** Milliseconds in an answer: int64, up to what a JavaScript number holds exactly. */
export const RESPONSE_MILLISECONDS = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
export const RESPONSE_UUID = { type: 'string', format: 'uuid', maxLength: 36 } as const;
/** `Date.toISOString()`: 24 characters, 27 for years beyond 9999. */
export const RESPONSE_TIMESTAMP = { type: 'string', format: 'date-time', maxLength: 27 } as const;
export const RESPONSE_EMAIL = { type: 'string', format: 'email', maxLength: 254 } as const;

const QUERY_TIME_MAX_LENGTH = 40;

/**
 * A time in the query string (ISO 8601), read into a Date. Text longer than any ISO 8601 time is left a string,
 * which the date check refuses: the bound the document states is the one enforced.
 */
export function QueryTimeField(options: FieldText): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ ...options, type: 'string', format: 'date-time', maxLength: QUERY_TIME_MAX_LENGTH }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && value.length <= QUERY_TIME_MAX_LENGTH ? new Date(value) : value,
    ),
    IsDate(),
  );
}
