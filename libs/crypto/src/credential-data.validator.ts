import { HEADER_NAME, isReservedHeader } from '@app/engine';
import { CREDENTIAL_FIELDS, CREDENTIAL_TYPES, CredentialSecret, CredentialType } from './credential-secrets';

export interface CredentialDataProblem {
  field: string;
  errors: string[];
}

const MAX_SECRET_LENGTH = 8192;
const MAX_HEADER_NAME_LENGTH = 100;
// Header values go on the wire as they are: printable ASCII only, so no CR/LF injection and no encoding surprises.
const PRINTABLE = /^[\x20-\x7E]+$/;
const TOKEN = /^[\x21-\x7E]+$/;

type Check = (value: string) => string | null;

const length =
  (max: number): Check =>
  (value) =>
    value.length > max ? `must be at most ${max} characters` : null;
const matches =
  (pattern: RegExp, message: string): Check =>
  (value) =>
    pattern.test(value) ? null : message;

const RULES: Readonly<Record<CredentialType, Readonly<Record<string, readonly Check[]>>>> = {
  bearer: { token: [length(MAX_SECRET_LENGTH), matches(TOKEN, 'must be printable ASCII without spaces')] },
  basic: {
    username: [
      length(1024),
      matches(PRINTABLE, 'must be printable ASCII'),
      (value) => (value.includes(':') ? 'must not contain ":"' : null),
    ],
    password: [length(MAX_SECRET_LENGTH), matches(PRINTABLE, 'must be printable ASCII')],
  },
  header: {
    name: [
      length(MAX_HEADER_NAME_LENGTH),
      matches(HEADER_NAME, "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)"),
      (value) => (isReservedHeader(value) ? 'is a header the HTTP client sets itself' : null),
    ],
    value: [length(MAX_SECRET_LENGTH), matches(PRINTABLE, 'must be printable ASCII')],
  },
};

/**
 * Checks `data` against its type. Problems name fields, never values: the
 * values are secrets and must not come back in an error.
 */
export function credentialDataProblems(type: unknown, data: unknown): CredentialDataProblem[] {
  if (typeof type !== 'string' || !(CREDENTIAL_TYPES as readonly string[]).includes(type)) {
    return [{ field: 'type', errors: [`must be one of ${CREDENTIAL_TYPES.join(', ')}`] }];
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return [{ field: 'data', errors: [`must be an object with ${CREDENTIAL_FIELDS[type as CredentialType].join(', ')}`] }];
  }
  const problems: CredentialDataProblem[] = [];
  const record = data as Record<string, unknown>;
  const rules = RULES[type as CredentialType];
  // Unknown keys are not echoed: a misplaced secret could sit in a key as well as in a value.
  if (Object.keys(record).some((key) => !Object.hasOwn(rules, key))) {
    problems.push({ field: 'data', errors: [`a ${type} credential has only ${CREDENTIAL_FIELDS[type as CredentialType].join(', ')}`] });
  }
  for (const [field, checks] of Object.entries(rules)) {
    const value = record[field];
    if (typeof value !== 'string' || value.length === 0) {
      problems.push({ field: `data.${field}`, errors: ['must be a non-empty string'] });
      continue;
    }
    const errors = checks.map((check) => check(value)).filter((error): error is string => error !== null);
    if (errors.length > 0) problems.push({ field: `data.${field}`, errors });
  }
  return problems;
}

/** The validated secret, typed; call only after credentialDataProblems returned nothing. */
export function toCredentialSecret(type: CredentialType, data: Record<string, unknown>): CredentialSecret {
  const field = (name: string): string => String(data[name]);
  switch (type) {
    case 'bearer':
      return { type, data: { token: field('token') } };
    case 'basic':
      return { type, data: { username: field('username'), password: field('password') } };
    case 'header':
      return { type, data: { name: field('name'), value: field('value') } };
  }
}
