import 'reflect-metadata';
import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { ConfigValidationError, loadConfigFromEnvironment } from '@app/config';
import { buildDataSourceOptions, runMigrationsLocked } from '@app/database';

async function withDataSource<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const config = loadConfigFromEnvironment();
  const dataSource = await new DataSource(buildDataSourceOptions({ url: config.databaseUrl, applicationName: 'flowline-cli', poolSize: 2 })).initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

const program = new Command('flowline').description('Flowline operator commands');

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(async () => {
    const applied = await withDataSource(runMigrationsLocked);
    console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'Database schema is up to date');
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof ConfigValidationError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`flowline: ${message}\n`);
  process.exit(1);
});
