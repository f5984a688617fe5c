/**
 * Every stable error code a client can see, one `as const` map per domain.
 * Errors carry a code and never an HTTP status: the api maps codes to
 * statuses in one table (apps/api/src/common/errors/error-status.table.ts),
 * and a worker decides on codes or error classes alone.
 */
export const CommonErrorCode = {
  NotFound: 'NOT_FOUND',
  ValidationFailed: 'VALIDATION_FAILED',
  InvalidValue: 'INVALID_VALUE',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  Internal: 'INTERNAL_ERROR',
} as const;

/** What the request itself was (its body, its framing), before any domain looks at it. */
export const RequestErrorCode = {
  BadRequest: 'BAD_REQUEST',
  InvalidJson: 'INVALID_JSON',
  JsonTooDeep: 'JSON_TOO_DEEP',
  InvalidText: 'INVALID_TEXT',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  HeadersTooLarge: 'HEADERS_TOO_LARGE',
  RequestTimeout: 'REQUEST_TIMEOUT',
} as const;

export const AuthErrorCode = {
  Unauthenticated: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  EmailTaken: 'EMAIL_TAKEN',
  LoginRateLimit: 'LOGIN_RATE_LIMIT',
  SelfChangeForbidden: 'SELF_CHANGE_FORBIDDEN',
  /** Password sign-in or registration for an email domain in SSO_ENFORCED_DOMAINS. */
  SsoRequired: 'SSO_REQUIRED',
} as const;

/** A tier limit refused the request (libs/tier-policy decides the numbers). */
export const LimitErrorCode = {
  Concurrency: 'CONCURRENCY_LIMIT',
  DailyExecutions: 'DAILY_EXECUTION_LIMIT',
  Workflows: 'WORKFLOW_LIMIT',
  RequestRate: 'RATE_LIMIT',
} as const;

export const RunErrorCode = {
  WorkflowInactive: 'WORKFLOW_INACTIVE',
  UnknownRegion: 'UNKNOWN_REGION',
  ExecutionFinal: 'EXECUTION_FINAL',
  Conflict: 'CONFLICT',
} as const;

export const BillingErrorCode = {
  UnknownTier: 'UNKNOWN_TIER',
  InvalidSignature: 'INVALID_SIGNATURE',
  InvalidEvent: 'INVALID_EVENT',
  WebhookNotConfigured: 'WEBHOOK_NOT_CONFIGURED',
  PaymentProviderError: 'PAYMENT_PROVIDER_ERROR',
} as const;

type CodeOf<T> = T[keyof T];

export type ErrorCode =
  | CodeOf<typeof CommonErrorCode>
  | CodeOf<typeof RequestErrorCode>
  | CodeOf<typeof AuthErrorCode>
  | CodeOf<typeof LimitErrorCode>
  | CodeOf<typeof RunErrorCode>
  | CodeOf<typeof BillingErrorCode>;
