import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../libs/database/src/data-source-options';
import { runMigrationsLocked } from '../../libs/database/src/run-migrations';
import { testDatabaseUrl, withAdminClient } from './database';
import { TEMPLATE_DATABASE, TEST_DATABASE_PREFIX } from './test-env';

/** Builds the migrated template database that every e2e file clones. */
export default async function globalSetup(): Promise<void> {
  await withAdminClient(async (client) => {
    // Databases left by an interrupted earlier run.
    const stale = await client.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [TEST_DATABASE_PREFIX]);
    for (const row of stale.rows) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    await client.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  });
  const dataSource = await new DataSource(buildDataSourceOptions({ url: testDatabaseUrl(TEMPLATE_DATABASE), poolSize: 2 })).initialize();
  try {
    await runMigrationsLocked(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
