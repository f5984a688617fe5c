import { AppError, AuthErrorCode } from '@app/errors';

/** No valid credentials: the same answer whatever was wrong with them. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'Missing or invalid credentials') {
    super(AuthErrorCode.Unauthenticated, message);
  }
}

/** Authenticated, but the caller's role does not allow the action. */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(AuthErrorCode.Forbidden, message);
  }
}
