/** A step attempt failed; `retryable` says whether another attempt may succeed. */
export class StepFailure extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.name = 'StepFailure';
    this.retryable = options.retryable ?? false;
  }
}

/** The SSRF guard refused a destination address. */
export class AddressRefusedError extends Error {
  readonly code = 'ERR_ADDRESS_REFUSED';

  constructor(target: string, category: string) {
    super(`Refused to connect to ${target}: ${category} addresses are not allowed`);
    this.name = 'AddressRefusedError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
