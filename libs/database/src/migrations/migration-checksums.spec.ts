import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './index';

/**
 * Migrations as they are on main. TypeORM never runs a recorded migration again, so an edit to a
 * landed one reaches only fresh databases (1765000000000 repairs the last time that happened).
 */
const LANDED: Record<string, string> = {
  '1764400000000-initial-schema.ts': 'f99b62270734e46ee1fe800d4f60e01c2f0f64a520dd1a29dbcd1bca7c9cd31c',
  '1764500000000-workflows-and-executions.ts': 'd20e945b2d7e59a67b6796f0562058762085c6811822930eac7cba92652e4fea',
  '1764600000000-credentials.ts': 'd80fb94cac32063dd10967e6d2a14174a667f199bd6d2d5d926a7be35c70248a',
  '1764600000001-audit-logs.ts': '4eb64e0bbe263b233192b144992daf24e4528c4e7331c36a83fb48e486fa857f',
  '1764700000000-billing.ts': '82d7c1a8a81c69e031ddb3dfe13e85e994d9a0372f4eebfa1dcfc0b7e7f7a4b7',
  '1764800000000-analytics-covering-indexes.ts': 'fb8d241e5e70b46131db01d324e832afbde59de8617eb173664c26384985850e',
  '1764900000000-one-round-trip-admission.ts': 'b440c856df1ad36215ed5a780e8a9021a97f3fe9cf9f08b0c6301012f8e6fbd5',
  '1765000000000-repair-one-round-trip-admission.ts': '70453317b9759ea2fa3c8b8e74c8f1aeb21040785568200122affea01b2b1610',
  '1765100000000-execution-functions-from-files.ts': '3f98c876b5d338d1ab0aaeccd56c7919e343dc8010db90f8337f76884842c226',
  '1765200000000-admission-in-batches.ts': 'f4cced58c4dd917707b0507bb01280a4c65a67cc33a14ea9b043c38c14e17427',
  '1765300000000-queue-store-in-postgres.ts': '9eb49a059452125e9191f8906df56214d911b5e381ab0fa65ff84a1bcce2cfc3',
  '1765400000000-fair-share-queue-order.ts': '88d2b230ebd6a0d2e00fc3614357e730bb0af4682a84df32d77fb50edd77d979',
  '1765500000000-run-rejection-tallies.ts': '70bb940b3cc8833ed883a43805555f6caf160b7bb0d41033c25f9c4b908912d1',
};

/**
 * Which migration applied which text of each `.sql` function file (libs/executions/src/sql): [file, migration, sha256].
 * A migration applies the text a build bundles, so a database migrated earlier keeps the function it got then:
 * changing a file needs a new migration that applies it again, and a new row here (rows, like LANDED, are append-only).
 */
const SQL_FUNCTION_FILES: [string, string, string][] = [
  [
    'flowline_admission_decision.sql',
    '1765100000000-execution-functions-from-files.ts',
    '677ceb796d46675196c7aaf59166cdc4759e3725f8ef9f601e830a0fe48f9780',
  ],
  [
    'flowline_admit_execution.sql',
    '1765100000000-execution-functions-from-files.ts',
    '37b18d2e87a140902f3e760739484a39b145744fd249a6adb26eff3c9dd6755a',
  ],
  [
    'flowline_choose_region.sql',
    '1765100000000-execution-functions-from-files.ts',
    '059dbc06eeab6df4d500447149ca7f124775421b69a093809b2a2ace0bd0ea5c',
  ],
  [
    'flowline_duration_ms.sql',
    '1765100000000-execution-functions-from-files.ts',
    '6a7851108ea8670fed8d83b5fe97c6c52ed2a6e0952ee5333f60c855cb11d40c',
  ],
  [
    'flowline_finish_execution.sql',
    '1765100000000-execution-functions-from-files.ts',
    'd5459af5a7bf4ddbe8d005c943a86067b4553a625064a820d6ea2600075252c0',
  ],
  [
    'flowline_live_usage.sql',
    '1765100000000-execution-functions-from-files.ts',
    'e5e065a75e5b1a3b2aab286b0e3ef53f739ef3f9ae703c1f3243f905845a7102',
  ],
  [
    'flowline_lock_owner.sql',
    '1765100000000-execution-functions-from-files.ts',
    '603cf038afb69d0c39cae02fb10c4a0e00cd2cd00ab42595bbf07c062d6d7f52',
  ],
  [
    'flowline_record_step.sql',
    '1765100000000-execution-functions-from-files.ts',
    '2493d91edf1f66c207a16a15618b39713a424c9ef48e5c2545d1e4879934b128',
  ],
  [
    'flowline_admit_execution.sql',
    '1765200000000-admission-in-batches.ts',
    'ce5a69a2238578fbea5b10869d71120ac8c797b2717955f420083227f5824059',
  ],
  ['flowline_queue_tag.sql', '1765400000000-fair-share-queue-order.ts', 'fed2cdfa1f72a1c846d54871191e559efc53a9e9c0e969ff3923dec7ce3ad99d'],
  [
    'flowline_queue_priority.sql',
    '1765400000000-fair-share-queue-order.ts',
    '35aac0c64e955ac24cb40e043f5db56c50b17c275b20000bb47360f52351131e',
  ],
  [
    'flowline_promote_waiting.sql',
    '1765400000000-fair-share-queue-order.ts',
    '6d63cd58bf5be07e65e5dca2c84290be15b5a61f4d730bad38273654a624f588',
  ],
  [
    'flowline_admit_execution.sql',
    '1765400000000-fair-share-queue-order.ts',
    '1ffe1e1fb9c78ea759894ae77149445f8e93810cdecedd906cbefe91eab50e94',
  ],
];
const SQL_DIR = join(__dirname, '../../../executions/src/sql');

const MIGRATION_FILE = /^(\d{13})-[a-z0-9-]+\.ts$/;
const files = readdirSync(__dirname).filter((file) => file.endsWith('.ts') && file !== 'index.ts' && !file.endsWith('.spec.ts'));

// Line endings normalised: a checkout with CRLF has not edited anything.
const checksum = (file: string, dir = __dirname) =>
  createHash('sha256')
    .update(readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n'))
    .digest('hex');

// What TypeORM orders and records by: the name (or class name), whose last 13 digits are the timestamp.
const timestampOf = (migration: (typeof MIGRATIONS)[number]) => Number((new migration().name || migration.name).slice(-13));

describe('migrations are append-only once on main', () => {
  it('no landed migration was edited or removed', () => {
    const problems = Object.entries(LANDED).flatMap(([file, expected]) => {
      if (!files.includes(file))
        return [`${file}: a landed migration was removed or renamed: restore it and write a new migration instead`];
      return checksum(file) === expected ? [] : [`${file}: a landed migration was edited: write a new migration instead`];
    });
    expect(problems).toEqual([]);
  });

  it('every migration file has its checksum in LANDED', () => {
    const unlisted = files
      .filter((file) => !(file in LANDED))
      .map(
        (file) => `${file}: a new migration: add its checksum to LANDED in migration-checksums.spec.ts: '${file}': '${checksum(file)}',`,
      );
    expect(unlisted).toEqual([]);
  });

  it('every migration file is listed in MIGRATIONS (index.ts), every listed class comes from one, with its timestamp', async () => {
    const problems: string[] = [];
    const fromFiles: unknown[] = [];
    for (const file of files) {
      const exports: Record<string, unknown> = await import(join(__dirname, file));
      const listed = MIGRATIONS.filter((migration) => Object.values(exports).includes(migration));
      if (!MIGRATION_FILE.test(file)) problems.push(`${file}: not named <13-digit timestamp>-<kebab-case name>.ts`);
      if (listed.length !== 1) problems.push(`${file}: exports ${listed.length} classes listed in MIGRATIONS, not 1`);
      else if (timestampOf(listed[0]) !== Number(MIGRATION_FILE.exec(file)?.[1])) problems.push(`${file}: its class has another timestamp`);
      fromFiles.push(...listed);
    }
    for (const migration of MIGRATIONS)
      if (!fromFiles.includes(migration)) problems.push(`${migration.name}: listed but no migration file exports it`);
    expect(problems).toEqual([]);
  });

  it('class timestamps increase in list order', () => {
    const outOfOrder = MIGRATIONS.flatMap((migration, i) =>
      i > 0 && !(timestampOf(migration) > timestampOf(MIGRATIONS[i - 1]))
        ? [`${migration.name} comes after ${MIGRATIONS[i - 1].name}`]
        : [],
    );
    expect(outOfOrder).toEqual([]);
  });
});

describe('a changed .sql function file comes with a migration that applies it', () => {
  const sqlFiles = readdirSync(SQL_DIR).filter((file) => file.endsWith('.sql'));

  it('the last migration listed for each file applied its current text', () => {
    const problems = sqlFiles.flatMap((file) => {
      const rows = SQL_FUNCTION_FILES.filter(([listed]) => listed === file);
      const current = checksum(file, SQL_DIR);
      const fix = `write a new migration that applies it (applySqlFunctions), then append to SQL_FUNCTION_FILES: ['${file}', '<that migration>.ts', '${current}'],`;
      if (rows.length === 0) return [`${file}: not listed: ${fix}`];
      return rows[rows.length - 1][2] === current ? [] : [`${file}: changed since its last migration: ${fix}`];
    });
    expect(problems).toEqual([]);
  });

  it('each listed migration exists, imports the file it is listed for, and a file is listed with later migrations only', () => {
    const problems = SQL_FUNCTION_FILES.flatMap(([file, migration], i) => {
      if (!files.includes(migration)) return [`${file}: ${migration} is not a migration file`];
      if (!readFileSync(join(__dirname, migration), 'utf8').includes(`/${file}'`)) return [`${file}: ${migration} does not import it`];
      const earlier = SQL_FUNCTION_FILES.slice(0, i).filter(([listed]) => listed === file);
      return earlier.some(([, previous]) => previous >= migration)
        ? [`${file}: ${migration} is listed after a later or the same migration`]
        : [];
    });
    expect(problems).toEqual([]);
  });
});
