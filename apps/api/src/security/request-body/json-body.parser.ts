import { errorCodes, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, RequestErrorCode } from '@app/errors';
import { decodedBody } from './content-encoding';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';
import { containsUnstorableText } from './json-text';

export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * A body declared larger than the limit but at most this large is read and dropped before its 413: Fastify
 * would answer at once and close the connection, and a client still sending gets a broken pipe instead of
 * the answer. A larger one is still cut off at once.
 */
const OVERSIZED_BODY_READ_LIMIT_BYTES = 16 * 1024 * 1024;

const JSON_TYPE = /^application\/(?:[^;\s]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * The only body parser: JSON (application/json, application/*+json) in UTF-8,
 * at most 1 MB as sent (Fastify answers 413 beyond) and once decompressed
 * (gzip, deflate or br), no deeper than MAX_JSON_DEPTH and
 * with only text PostgreSQL can store. Any other non-empty body is refused
 * with 415; an empty one (a cancel POST) needs no content type. Errors go to
 * the Nest exception layer, so they leave as the contract's body. The JSON
 * text's bytes (decompressed) stay on `request.rawBody` for signature checks
 * (Stripe webhooks).
 */
export function registerJsonBodyParser(instance: FastifyInstance): void {
  instance.addHook('preParsing', async (request, _reply, payload) => {
    const declared = Number(request.headers['content-length']);
    if (!(declared > JSON_BODY_LIMIT_BYTES && declared <= OVERSIZED_BODY_READ_LIMIT_BYTES)) return payload;
    for await (const chunk of payload) void chunk;
    throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  });
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT_BYTES }, (request: FastifyRequest, body: Buffer) =>
    parseJsonBody(request, body),
  );
}

async function parseJsonBody(request: FastifyRequest & { rawBody?: Buffer }, sent: Buffer): Promise<unknown> {
  const contentType = request.headers['content-type'] ?? '';
  const isJson = JSON_TYPE.test(contentType);
  if (sent.length === 0) return isJson ? {} : undefined;
  if (!isJson) throw new AppError(RequestErrorCode.UnsupportedMediaType, 'Request bodies must be application/json');
  const charset = CHARSET.exec(contentType)?.[1].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    throw new AppError(RequestErrorCode.UnsupportedMediaType, 'Unsupported charset: use UTF-8');
  const body = await decodedBody(sent, request.headers['content-encoding'], JSON_BODY_LIMIT_BYTES);
  request.rawBody = body;
  const parsed = parseObjectOrArray(body);
  if (nestedDeeperThan(parsed, MAX_JSON_DEPTH))
    throw new AppError(RequestErrorCode.JsonTooDeep, `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (containsUnstorableText(parsed))
    throw new AppError(RequestErrorCode.InvalidText, 'Request body holds a NUL character or invalid UTF-16 text');
  return parsed;
}

/** As Express's parser in strict mode: a body is an object or an array, never a bare string, number or null. */
function parseObjectOrArray(body: Buffer): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object') throw new AppError(RequestErrorCode.InvalidJson, 'Request body is not valid JSON');
  return parsed;
}
