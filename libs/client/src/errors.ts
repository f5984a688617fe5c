/** The contract's error body (DESIGN.md "Errors"); written by hand so it holds whatever the document says. */
export interface FlowlineErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  /** Validation errors: the offending fields. */
  fields?: string[];
  /** Limit errors: the limit that was hit, and the current usage. */
  limit?: number | null;
  current?: number;
}

/** Codes a caller may want to branch on; the api may answer others (the type stays open). */
export type FlowlineErrorCode =
  | 'CONCURRENCY_LIMIT'
  | 'DAILY_EXECUTION_LIMIT'
  | 'RATE_LIMIT'
  | 'WORKFLOW_LIMIT'
  | 'SSO_REQUIRED'
  | 'WORKFLOW_INACTIVE'
  | 'SERVICE_UNAVAILABLE'
  | (string & {});

/** Any non-2xx answer of the api. Network failures are not wrapped: fetch's own error propagates. */
export class FlowlineApiError extends Error {
  override readonly name = 'FlowlineApiError';
  readonly status: number;
  /** The body's `code`, or `HTTP_<status>` when the answer did not carry the contract's body (e.g. a proxy's page). */
  readonly code: FlowlineErrorCode;
  readonly fields?: string[];
  readonly limit?: number | null;
  readonly current?: number;
  /** Seconds, from the Retry-After header (429s). */
  readonly retryAfter?: number;
  readonly requestId?: string;
  /** The parsed body as received (text when it was not JSON). */
  readonly body: unknown;

  constructor(status: number, body: unknown, headers?: Headers) {
    const contract = isErrorBody(body) ? body : undefined;
    super(contract?.message ?? (typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${status}`));
    this.status = status;
    this.body = body;
    this.code = contract?.code ?? `HTTP_${status}`;
    if (contract?.fields) this.fields = contract.fields;
    if (contract && 'limit' in contract) this.limit = contract.limit;
    if (typeof contract?.current === 'number') this.current = contract.current;
    const retryAfter = Number(headers?.get('retry-after') ?? NaN);
    if (Number.isFinite(retryAfter)) this.retryAfter = retryAfter;
    const requestId = headers?.get('x-request-id');
    if (requestId) this.requestId = requestId;
  }

  static async fromResponse(response: Response): Promise<FlowlineApiError> {
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : text;
    } catch {
      // Not JSON: keep the text.
    }
    return new FlowlineApiError(response.status, body, response.headers);
  }
}

function isErrorBody(body: unknown): body is FlowlineErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as FlowlineErrorBody).message === 'string';
}
