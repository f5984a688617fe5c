import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { RawEnv } from '../../libs/config/src/env-reader';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The queue store of the processes the tests start: jest's `postgres` project sets it (test/support/postgres-mode.ts). */
export const TEST_QUEUE_BACKEND: 'redis' | 'postgres' = process.env.FLOWLINE_TEST_QUEUE_BACKEND === 'postgres' ? 'postgres' : 'redis';
/** Per checkout, so test runs of two working trees on one PostgreSQL never touch each other's databases. */
export const CHECKOUT_ID = createHash('sha256')
  .update(resolve(__dirname, '..', '..'))
  .digest('hex')
  .slice(0, 8);
export const TEMPLATE_DATABASE = `flowline_tpl_${CHECKOUT_ID}`;
export const TEST_DATABASE_PREFIX = `flowline_t_${CHECKOUT_ID}_`;

/** Test-only values, not secrets of any deployment. */
export const TEST_JWT_SECRET = 'test-only-jwt-secret-0123456789abcdefghijklmnop';
export const TEST_ENCRYPTION_KEY_V1 = Buffer.alloc(32, 1).toString('base64');

export function uniqueSuffix(): string {
  return `${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A full, valid environment; each test file gets its own database and key prefix; queues in the project's store. */
export function baseTestEnv(overrides: RawEnv = {}): RawEnv {
  return {
    NODE_ENV: 'test',
    ENV_FILE: 'none',
    LOG_LEVEL: 'silent',
    ...(TEST_QUEUE_BACKEND === 'postgres' ? { QUEUE_BACKEND: 'postgres' } : { REDIS_URL: TEST_REDIS_URL }),
    REDIS_KEY_PREFIX: `fltest_${uniqueSuffix()}`,
    REGIONS: 'us-east-1,eu-west-1',
    DEFAULT_REGION: 'us-east-1',
    JWT_SECRET: TEST_JWT_SECRET,
    ENCRYPTION_KEYS: `v1:${TEST_ENCRYPTION_KEY_V1}`,
    ADMIN_EMAIL: 'admin@flowline.test',
    ADMIN_PASSWORD: 'admin-password-for-tests',
    MIGRATIONS_RUN: 'false',
    // Test files run in parallel, each with several processes, on one PostgreSQL (max_connections 100).
    DATABASE_POOL_SIZE: '6',
    ...overrides,
  };
}
