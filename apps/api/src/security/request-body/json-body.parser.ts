import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, RequestErrorCode } from '@app/errors';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';
import { containsUnstorableText } from './json-text';

export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/(?:[^;\s]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * The only body parser: JSON (application/json, application/*+json) in UTF-8,
 * at most 1 MB (Fastify answers 413 beyond), no deeper than MAX_JSON_DEPTH and
 * with only text PostgreSQL can store. Any other non-empty body is refused
 * with 415; an empty one (a cancel POST) needs no content type. Errors go to
 * the Nest exception layer, so they leave as the contract's body. The raw
 * bytes stay on `request.rawBody` for signature checks (Stripe webhooks).
 */
export function registerJsonBodyParser(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT_BYTES }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request, body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function parseJsonBody(request: FastifyRequest & { rawBody?: Buffer }, body: Buffer): unknown {
  const contentType = request.headers['content-type'] ?? '';
  const isJson = JSON_TYPE.test(contentType);
  if (body.length === 0) return isJson ? {} : undefined;
  if (!isJson) throw new AppError(RequestErrorCode.UnsupportedMediaType, 'Request bodies must be application/json');
  const charset = CHARSET.exec(contentType)?.[1].toLowerCase();
  const encoding = request.headers['content-encoding']?.toLowerCase() ?? 'identity';
  if ((charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') || encoding !== 'identity')
    throw new AppError(RequestErrorCode.UnsupportedMediaType, 'Unsupported content encoding or charset');
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
