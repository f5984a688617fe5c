import { Injectable, NestMiddleware } from '@nestjs/common';
import typeis from 'type-is';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { AppError, RequestErrorCode } from '@app/errors';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';
import { containsUnstorableText } from './json-text';

export const JSON_BODY_LIMIT = '1mb';

/**
 * Parses JSON bodies as Nest middleware (not plain express middleware) so
 * that parser errors (413, malformed JSON) reach the global exception filter.
 * Keeps the raw bytes for signature checks (Stripe webhooks).
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse = json({
    limit: JSON_BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
    verify: (req, _res, buffer) => {
      (req as Request & { rawBody?: Buffer }).rawBody = buffer;
    },
  });

  use(req: Request, res: Response, next: NextFunction): void {
    if (hasNonEmptyBody(req) && !typeis(req, ['application/json', 'application/*+json'])) {
      next(new AppError(RequestErrorCode.UnsupportedMediaType, 'Request bodies must be application/json'));
      return;
    }
    this.parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (nestedDeeperThan(req.body, MAX_JSON_DEPTH))
        return next(new AppError(RequestErrorCode.JsonTooDeep, `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`));
      if (containsUnstorableText(req.body))
        return next(new AppError(RequestErrorCode.InvalidText, 'Request body holds a NUL character or invalid UTF-16 text'));
      next();
    });
  }
}

/** An empty POST (Content-Length: 0, e.g. a cancel) needs no content type. */
function hasNonEmptyBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
