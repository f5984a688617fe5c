import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { spawnFlowline } from '../support/processes';
import { baseTestEnv } from '../support/test-env';

/** The secrets `.env.example` shows, as a deployment that copied it would have them. */
const EXAMPLE_SECRETS = (() => {
  const example = parse(readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8'));
  return { JWT_SECRET: example.JWT_SECRET, ENCRYPTION_KEYS: example.ENCRYPTION_KEYS };
})();

describe('boot with bad settings', () => {
  it.each([
    ['api', { REGIONS: '' }, /REGIONS: must list at least one region/],
    ['api', { JWT_SECRET: undefined, NODE_ENV: 'production' }, /JWT_SECRET: is required/],
    ['api', { ENCRYPTION_KEYS: 'v1:dG9vLXNob3J0' }, /ENCRYPTION_KEYS: entry 1 must be/],
    ['worker', { WORKER_REGION: 'mars-north-1' }, /WORKER_REGION: must be one of REGIONS/],
    ['worker', { ENCRYPTION_KEYS: undefined }, /ENCRYPTION_KEYS: is required/],
    ['api', { ...EXAMPLE_SECRETS, NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-for-tests' }, /JWT_SECRET: is the example value/],
    ['worker', { ...EXAMPLE_SECRETS, NODE_ENV: 'production', METRICS_PUBLIC: 'true' }, /ENCRYPTION_KEYS: entry 1 is the example value/],
    ['api', { NODE_ENV: 'production', METRICS_TOKEN: undefined }, /METRICS_TOKEN: is required in production/],
    ['worker', { NODE_ENV: 'production', METRICS_TOKEN: undefined }, /METRICS_TOKEN: is required in production/],
    ['api', { JWT_SECRET: 'ü'.repeat(15) }, /JWT_SECRET: must be at least 32 bytes/],
  ] as const)('%s with %j stops with a message naming the setting', async (app, overrides, message) => {
    const process = spawnFlowline(app, {
      ...baseTestEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/flowline_unused' }),
      ...overrides,
    });
    const code = await process.exited;
    expect(code).toBe(1);
    expect(process.logs).toMatch(message);
    expect(process.logs).not.toContain('dG9vLXNob3J0');
    for (const secret of Object.values(EXAMPLE_SECRETS)) expect(process.logs).not.toContain(secret.split(':').pop());
  });
});
