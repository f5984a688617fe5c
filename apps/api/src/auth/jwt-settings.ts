import { createSecretKey, KeyObject } from 'node:crypto';
import type { VerifyOptions } from 'jsonwebtoken';
import { AppConfig } from '@app/config';

export const JWT_ALGORITHM = 'HS256';

const keys = new WeakMap<AppConfig, KeyObject>();

/**
 * One key object per process: given the secret as a string, jsonwebtoken
 * first tries to parse it as a PEM public key on every call, which the
 * benchmark's profile showed as the costliest part of a request.
 */
export function jwtKey(config: AppConfig): KeyObject {
  let key = keys.get(config);
  if (!key) {
    key = createSecretKey(Buffer.from(config.jwt.secret, 'utf8'));
    keys.set(config, key);
  }
  return key;
}

/** HS256 only, our issuer and the audience the token was made for, not expired, not older than a token can be. */
export function jwtVerifyOptions(
  config: AppConfig,
  audience = config.jwt.audience,
): VerifyOptions & { algorithms: [typeof JWT_ALGORITHM] } {
  return { algorithms: [JWT_ALGORITHM], issuer: config.jwt.issuer, audience, maxAge: config.jwt.expiresIn };
}
