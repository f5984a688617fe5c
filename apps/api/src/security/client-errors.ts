import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, RequestErrorCode } from '@app/errors';
import { SECURITY_HEADERS } from '@app/http-security';
import { errorBodyFor } from '../common/errors/error-body';

// What securityHeaders() sends on a non-docs route, for answers written straight to the socket.
const RAW_SECURITY_HEADERS = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`);

const CLIENT_ERRORS: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [RequestErrorCode.HeadersTooLarge, 'The request line or headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [RequestErrorCode.RequestTimeout, 'The request was not received in time'],
};

/**
 * Fastify's `clientErrorHandler`: Node reports a request it cannot parse
 * (headers or URL over its limit, a malformed request line) before Fastify
 * sees it. This answers it the way every other error is answered: the
 * contract's body and the security headers.
 */
export function answerClientError(): (error: NodeJS.ErrnoException, socket: Socket) => void {
  const answered = new WeakSet<Socket>();
  return (error, socket) => {
    // The failed parser reports again for every later chunk: the answer is already on its way.
    if (answered.has(socket)) return;
    // As Node's own handler: no answer while a response on this (keep-alive) connection is already being written.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const [code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [RequestErrorCode.BadRequest, 'Malformed HTTP request'];
    const answer = errorBodyFor(code, message);
    const status = answer.statusCode;
    const body = JSON.stringify(answer);
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      ...RAW_SECURITY_HEADERS,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    answered.add(socket);
    // Read what the client still sends, so closing does not reset the connection before it reads the answer.
    socket.resume();
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), 5000).unref();
  };
}
