import { DatabaseError } from 'pg';

/**
 * True when PostgreSQL itself answered with an error, so the statement (and its implicit transaction) was
 * undone whole; false when the connection failed and whether it committed is unknown (class 08, or the
 * server shutting down: 57P).
 */
export function statementWasUndone(error: unknown): boolean {
  return error instanceof DatabaseError && typeof error.code === 'string' && !/^(08|57P)/.test(error.code);
}
