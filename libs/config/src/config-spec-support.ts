import { ConfigValidationError, parseConfig } from './load-config';

/** A well-formed 32-byte encryption key (base64). */
export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');

/** For the config specs: the least environment that parses (its two secrets, which have no default). */
export const VALID_ENV = { JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEYS: `v1:${TEST_KEY}` };

/** The problems parseConfig reports for `env` (none when it parses); any other error is rethrown. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}
