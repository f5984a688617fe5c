import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { CronExpressionParser } from 'cron-parser';
import { parse as parseDotenv } from 'dotenv';
import { AppConfig, EncryptionKey, LogLevel, NodeEnv, QueueBackend } from './app-config';
import { parseDurationSeconds } from './duration';
import { checkProduction } from './production-checks';
import { EnvReader, RawEnv } from './env-reader';
import { parseRedisSettings } from './redis-settings';
import { parseOidc, parseSsoEnforcedDomains } from './sso-settings';
import { parseTracing } from './tracing-settings';

export { DEFAULT_REDIS_URL, regionRedisSetting } from './redis-settings';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** Region ids are short (eu-west-1); the api documents these bounds for every region field. */
export const REGION_LIMITS = { maxLength: 64, maxCount: 100 } as const;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/flowline';

function parseEncryptionKeys(reader: EnvReader): EncryptionKey[] {
  const entries = reader.list('ENCRYPTION_KEYS');
  if (entries.length === 0) {
    reader.fail('ENCRYPTION_KEYS', 'is required (v1:<base64 of 32 random bytes>,...)');
    return [];
  }
  const keys: EncryptionKey[] = [];
  for (const entry of entries) {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    const material = Buffer.from(entry.slice(separator + 1), 'base64');
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(id) || material.length !== 32) {
      // Never echo the value: it is key material.
      reader.fail('ENCRYPTION_KEYS', `entry ${keys.length + 1} must be <id>:<base64 of exactly 32 bytes>`);
      continue;
    }
    if (keys.some((key) => key.id === id)) reader.fail('ENCRYPTION_KEYS', `key id ${id} appears twice`);
    keys.push({ id, key: material });
  }
  return keys;
}

export function parseConfig(env: RawEnv): AppConfig {
  const reader = new EnvReader(env);
  const nodeEnv = reader.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const port = reader.int('PORT', 3000, 1, 65535);
  const { regions, defaultRegion } = parseRegionsFrom(reader, env);
  const queueBackend = reader.oneOf<QueueBackend>('QUEUE_BACKEND', ['redis', 'postgres'], reader.raw('REDIS_URL') ? 'redis' : 'postgres');
  const redis = parseRedisSettings(reader, regions);

  const workerQueue = reader.optionalString('WORKER_QUEUE');
  const workerRegion = reader.optionalString('WORKER_REGION');
  if (workerRegion && !regions.includes(workerRegion)) {
    reader.fail('WORKER_REGION', `must be one of REGIONS (${regions.join(', ')})`);
  }
  if (workerQueue && !regions.some((region) => `${region}-default` === workerQueue)) {
    reader.fail('WORKER_QUEUE', `must be the queue of a region: ${regions.map((r) => `${r}-default`).join(', ')}`);
  }

  const jwtSecret = reader.required('JWT_SECRET');
  if (jwtSecret && Buffer.byteLength(jwtSecret) < 32) reader.fail('JWT_SECRET', 'must be at least 32 bytes');
  const expiresIn = reader.string('JWT_EXPIRES_IN', '1h');
  const expiresInSeconds = parseDurationSeconds(expiresIn);
  if (expiresInSeconds === null) reader.fail('JWT_EXPIRES_IN', 'must be a duration like 3600, 15m, 1h or 7d');

  const adminEmail = reader.optionalString('ADMIN_EMAIL');
  const adminPassword = reader.optionalString('ADMIN_PASSWORD');
  if (adminEmail && !adminPassword) reader.fail('ADMIN_PASSWORD', 'is required when ADMIN_EMAIL is set');
  if (adminPassword && !adminEmail) reader.fail('ADMIN_EMAIL', 'is required when ADMIN_PASSWORD is set');
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) reader.fail('ADMIN_EMAIL', 'must be an email address');
  if (adminPassword && adminPassword.length < 10) reader.fail('ADMIN_PASSWORD', 'must be at least 10 characters');

  const billingProvider = reader.oneOf('BILLING_PROVIDER', ['mock', 'stripe'] as const, 'mock');
  const stripeSecretKey = reader.optionalString('STRIPE_SECRET_KEY');
  const stripeWebhookSecret = reader.optionalString('STRIPE_WEBHOOK_SECRET');
  const pricePro = reader.optionalString('STRIPE_PRICE_PRO');
  const priceEnterprise = reader.optionalString('STRIPE_PRICE_ENTERPRISE');
  if (billingProvider === 'stripe') {
    for (const [name, value] of [
      ['STRIPE_SECRET_KEY', stripeSecretKey],
      ['STRIPE_WEBHOOK_SECRET', stripeWebhookSecret],
      ['STRIPE_PRICE_PRO', pricePro],
      ['STRIPE_PRICE_ENTERPRISE', priceEnterprise],
    ] as const) {
      if (!value) reader.fail(name, 'is required when BILLING_PROVIDER=stripe');
    }
  }

  const trustProxyRaw = reader.raw('TRUST_PROXY');
  let trustProxy: boolean | number = false;
  if (trustProxyRaw !== undefined) {
    trustProxy = /^\d+$/.test(trustProxyRaw) ? Number(trustProxyRaw) : reader.bool('TRUST_PROXY', false);
  }

  const oidc = parseOidc(reader, nodeEnv);

  const publicUrl = reader.url('PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']).replace(/\/+$/, '');

  const config: AppConfig = {
    env: nodeEnv,
    port,
    apiProcesses: parseApiProcesses(reader),
    publicUrl,
    databaseUrl: reader.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres:', 'postgresql:']),
    migrationsRun: reader.bool('MIGRATIONS_RUN', true),
    databasePoolSize: reader.int('DATABASE_POOL_SIZE', 20, 1, 500),
    queueBackend,
    ...redis,
    regions,
    defaultRegion,
    worker: {
      region: workerRegion,
      queue: workerQueue,
      concurrency: reader.int('WORKER_CONCURRENCY', 10, 1, 1000),
      shutdownGraceMs: reader.int('WORKER_SHUTDOWN_GRACE_MS', 30000, 0, 3_600_000),
      httpPort: reader.int('WORKER_HTTP_PORT', 9464, 0, 65535),
      lockMs: reader.int('WORKER_LOCK_MS', 30000, 1000, 600000),
    },
    jwt: {
      secret: jwtSecret,
      expiresIn,
      expiresInSeconds: expiresInSeconds ?? 3600,
      issuer: reader.string('JWT_ISSUER', 'flowline'),
      audience: reader.string('JWT_AUDIENCE', 'flowline-api'),
    },
    encryptionKeys: parseEncryptionKeys(reader),
    admin: adminEmail && adminPassword ? { email: adminEmail.toLowerCase(), password: adminPassword } : null,
    billing: {
      provider: billingProvider,
      stripeSecretKey,
      stripeWebhookSecret,
      pricePro,
      priceEnterprise,
      apiHost: reader.optionalString('STRIPE_API_HOST'),
      apiPort: reader.optionalInt('STRIPE_API_PORT', 1, 65535),
      apiProtocol: reader.raw('STRIPE_API_PROTOCOL') ? reader.oneOf('STRIPE_API_PROTOCOL', ['http', 'https'] as const, 'https') : null,
      successUrl: reader.url('BILLING_SUCCESS_URL', `${publicUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`, ['http:', 'https:']),
      cancelUrl: reader.url('BILLING_CANCEL_URL', `${publicUrl}/billing/cancel`, ['http:', 'https:']),
      pastDueSweepMs: reader.int('BILLING_PAST_DUE_SWEEP_MS', 60000, 200, 86_400_000),
    },
    httpStepAllowPrivate: reader.bool('HTTP_STEP_ALLOW_PRIVATE', false),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    anonymousRequestsPerMinute: reader.int('ANON_REQUESTS_PER_MINUTE', 300, 1, 1_000_000),
    corsOrigins: reader.list('CORS_ORIGINS'),
    trustProxy,
    executionTimeoutMs: reader.int('EXECUTION_TIMEOUT_MS', 300000, 1000, 86_400_000),
    metricsToken: reader.optionalString('METRICS_TOKEN'),
    metricsPublic: reader.bool('METRICS_PUBLIC', false),
    retentionCron: parseCron(reader, 'RETENTION_CRON', '0 * * * *'),
    retentionBatchSize: reader.int('RETENTION_BATCH_SIZE', 5000, 1, 100_000),
    retentionBatchPauseMs: reader.int('RETENTION_BATCH_PAUSE_MS', 50, 0, 60_000),
    reconcileIntervalMs: reader.int('RECONCILE_INTERVAL_MS', 15000, 500, 3_600_000),
    reconcileQueuedAgeMs: reader.int('RECONCILE_QUEUED_AGE_MS', 30000, 1000, 86_400_000),
    auditRetentionDays: reader.int('AUDIT_RETENTION_DAYS', 365, 1, 36500),
    oidc,
    ssoEnforcedDomains: parseSsoEnforcedDomains(reader, oidc),
    tracing: parseTracing(reader),
    loginProtection: {
      windowSeconds: reader.int('LOGIN_WINDOW_SECONDS', 900, 1, 86400),
      maxFailuresPerEmail: reader.int('LOGIN_MAX_FAILURES_PER_EMAIL', 5, 1, 10000),
      maxFailuresPerIp: reader.int('LOGIN_MAX_FAILURES_PER_IP', 20, 1, 100000),
    },
  };
  if (config.corsOrigins.includes('*')) reader.fail('CORS_ORIGINS', 'must list origins; * is not allowed');
  checkProduction(config, reader.list('ENCRYPTION_KEYS'), reader);
  if (reader.errors.length > 0) throw new ConfigValidationError(reader.errors);
  return config;
}

/** `API_PROCESSES`: a count, or `auto` for one per CPU core. */
function parseApiProcesses(reader: EnvReader): number {
  if (reader.raw('API_PROCESSES')?.trim() === 'auto') return availableParallelism();
  return reader.int('API_PROCESSES', 1, 1, 64);
}

function parseCron(reader: EnvReader, name: string, fallback: string): string {
  const value = reader.string(name, fallback);
  try {
    CronExpressionParser.parse(value, { tz: 'UTC' });
  } catch {
    reader.fail(name, 'must be a cron expression, e.g. "0 * * * *" (an optional leading field gives seconds)');
    return fallback;
  }
  return value;
}

function parseRegionsFrom(reader: EnvReader, env: RawEnv): { regions: string[]; defaultRegion: string } {
  const set = env.REGIONS !== undefined;
  const list = set ? reader.list('REGIONS') : ['us-east-1', 'eu-west-1'];
  if (list.length === 0) reader.fail('REGIONS', 'must list at least one region, e.g. us-east-1,eu-west-1');
  if (list.length > REGION_LIMITS.maxCount) reader.fail('REGIONS', `must list at most ${REGION_LIMITS.maxCount} regions`);
  for (const region of list) {
    if (!REGION_PATTERN.test(region) || region.length > REGION_LIMITS.maxLength) {
      reader.fail(
        'REGIONS',
        `"${region.slice(0, 80)}" is not a region name like eu-west-1 (at most ${REGION_LIMITS.maxLength} characters)`,
      );
    }
  }
  if (new Set(list).size !== list.length) reader.fail('REGIONS', 'lists a region twice');
  const defaultRegion = reader.string('DEFAULT_REGION', list[0] ?? 'us-east-1');
  if (list.length > 0 && !list.includes(defaultRegion)) {
    reader.fail('DEFAULT_REGION', `must be one of REGIONS (${list.join(', ')})`);
  }
  return { regions: list, defaultRegion };
}

/**
 * The only reader of process.env: merges the env file (default `.env`, or
 * `ENV_FILE`; `ENV_FILE=none` disables it) under the real environment.
 */
export function loadConfigFromEnvironment(): AppConfig {
  return parseConfig(readEnvironment());
}

export function readEnvironment(): RawEnv {
  const envFile = process.env.ENV_FILE ?? '.env';
  const fromFile = envFile !== 'none' && existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  return { ...fromFile, ...process.env };
}
