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

/** Password sign-in or registration for an email domain that must use single sign-on (SSO_ENFORCED_DOMAINS). */
export class SsoRequiredError extends AppError {
  constructor() {
    super(AuthErrorCode.SsoRequired, 'Accounts of this email domain sign in with single sign-on: GET /auth/oidc/login');
  }
}

/** Whether `email`'s domain (exactly, after the last @) is one of the enforced domains. */
export function isSsoEnforced(email: string, enforcedDomains: readonly string[]): boolean {
  if (enforcedDomains.length === 0) return false;
  const domain = email
    .slice(email.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
  return enforcedDomains.includes(domain);
}
