import 'reflect-metadata';
import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigValidationError, loadConfigFromEnvironment } from '@app/config';
import { EnvelopeCipher } from '@app/crypto';
import { buildDataSourceOptions, runMigrationsLocked } from '@app/database';
import { createAdmin } from './create-admin.command';
import { rotateCredentialKeys } from './rotate-keys.command';
import { printStatus } from './status.command';
import { RetentionPurger } from '@app/retention';

async function withDataSource<T>(work: (dataSource: DataSource, config: AppConfig) => Promise<T>): Promise<T> {
  const config = loadConfigFromEnvironment();
  const dataSource = await new DataSource(
    buildDataSourceOptions({ url: config.databaseUrl, applicationName: 'flowline-cli', poolSize: 2 }),
  ).initialize();
  try {
    return await work(dataSource, config);
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

program
  .command('rotate-keys')
  .description('Re-encrypt every credential with the active (last) key of ENCRYPTION_KEYS; safe to run again')
  .option('--batch-size <n>', 'rows per transaction', '500')
  .action(async (options: { batchSize: string }) => {
    const batchSize = Number(options.batchSize);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10000)
      throw new Error('--batch-size must be a whole number from 1 to 10000');
    const cipher = new EnvelopeCipher(loadConfigFromEnvironment().encryptionKeys);
    const report = await withDataSource((dataSource) => rotateCredentialKeys(dataSource, cipher, batchSize, (line) => console.log(line)));
    console.log(`Re-encrypted ${report.moved} credential row(s) with key ${report.activeKeyId}`);
    if (report.failed.length > 0) {
      // Ids only: nothing about the rows' content.
      throw new Error(
        `${report.failed.length} credential row(s) could not be decrypted with the configured keys and were left as they are: ${report.failed.join(', ')}`,
      );
    }
  });

program
  .command('create-admin')
  .description('Create an admin (or promote an account); the password is read from standard input')
  .requiredOption('--email <email>', 'email of the admin')
  .action(async (options: { email: string }) => {
    console.log(await withDataSource((dataSource) => createAdmin(dataSource, options.email)));
  });

program
  .command('status')
  .description('Show each region queue (workers, waiting, active, failed) and executions by status')
  .action(async () => {
    await withDataSource((dataSource) => printStatus(loadConfigFromEnvironment(), dataSource));
  });

program
  .command('purge')
  .description(
    "Delete data past its retention now (executions older than each owner's retentionDays, " +
      "audit rows older than AUDIT_RETENTION_DAYS), as the workers' scheduled job does",
  )
  .action(async () => {
    const report = await withDataSource((dataSource, config) =>
      new RetentionPurger(dataSource, { batchSize: config.retentionBatchSize, batchPauseMs: config.retentionBatchPauseMs }).purge({
        waitForLock: true,
        onWaiting: () => console.log('Another purge is running; waiting for it to finish'),
        onProgress: ({ section, batch, deleted, sectionDeleted }) =>
          console.log(`${section}: batch ${batch} deleted ${deleted} rows (${sectionDeleted} so far)`),
      }),
    );
    for (const [section, result] of Object.entries(report.sections)) {
      console.log(`${section}: ${result.deleted} rows deleted for ${result.owners} owners in ${result.batches} batches`);
    }
    console.log(`Purge done in ${report.durationMs} ms: ${report.deleted} rows deleted`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof ConfigValidationError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`flowline: ${message}\n`);
  process.exit(1);
});
