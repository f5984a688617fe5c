import type { QueryRunner } from 'typeorm';

/**
 * Applies `.sql` files that each hold one CREATE OR REPLACE FUNCTION, in order. Bodies are not checked against
 * the schema here (as pg_dump restores functions): a migration applies the file's current text, which a later
 * migration may have changed to use what only that later migration creates. The definition test checks each
 * file against a fully migrated database with checking on.
 */
export async function applySqlFunctions(runner: QueryRunner, files: readonly string[]): Promise<void> {
  await runner.query(`SET LOCAL check_function_bodies = off`);
  for (const text of files) await runner.query(text);
  await runner.query(`RESET check_function_bodies`);
}
