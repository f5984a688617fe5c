import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** Shared by the apps and the CLI. Timeouts are short so that an unreachable database answers 503 fast. */
export function buildDataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    poolSize: options.poolSize ?? 20,
    extra: {
      // Waiting this long for a pool slot is load, not an outage: a stopped server refuses at once (503 fast).
      connectionTimeoutMillis: 4000,
      idleTimeoutMillis: 30000,
      application_name: options.applicationName ?? 'flowline',
      // Bound every statement so a stuck lock cannot hold a request past the 503 budget forever.
      statement_timeout: 30000,
    },
  };
}
