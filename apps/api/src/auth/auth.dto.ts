import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail } from 'class-validator';
import { INT32_MAX, TextField } from '../common/dto/fields';
import { UserResponse } from '../users/users.dto';

const normalizeEmail = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** An email address, trimmed and lower-cased before it is checked. */
function EmailField(): PropertyDecorator {
  return (target, key) => {
    TextField({ maxLength: 254, format: 'email', example: 'ada@example.com' })(target, key);
    Transform(normalizeEmail)(target, key);
    IsEmail()(target, key);
  };
}

/** A signed JWT (RFC 7519): three base64url parts; far shorter than this bound. */
const ACCESS_TOKEN = { type: 'string', maxLength: 4096, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' } as const;

export class RegisterRequest {
  @EmailField()
  email: string;

  @TextField({ minLength: 10, maxLength: 200, example: 'correct-horse-battery' })
  password: string;

  @TextField({ optional: true, maxLength: 200, example: 'Ada' })
  name?: string;
}

export class LoginRequest {
  @EmailField()
  email: string;

  @TextField({ minLength: 1, maxLength: 200, example: 'correct-horse-battery' })
  password: string;
}

export class LoginResponse {
  @ApiProperty(ACCESS_TOKEN)
  accessToken: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: INT32_MAX,
    description: 'Seconds until the token expires',
    example: 3600,
  })
  expiresIn: number;
}

export class RegisterResponse {
  @ApiProperty({ type: UserResponse })
  user: UserResponse;
  @ApiProperty(ACCESS_TOKEN)
  accessToken: string;
}
