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
};

const MIGRATION_FILE = /^(\d{13})-[a-z0-9-]+\.ts$/;
const files = readdirSync(__dirname).filter((file) => file.endsWith('.ts') && file !== 'index.ts' && !file.endsWith('.spec.ts'));

// Line endings normalised: a checkout with CRLF has not edited anything.
const checksum = (file: string) =>
  createHash('sha256')
    .update(readFileSync(join(__dirname, file), 'utf8').replace(/\r\n/g, '\n'))
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
