import { spawnFlowline } from '../support/processes';
import { baseTestEnv } from '../support/test-env';

describe('boot with bad settings', () => {
  it.each([
    ['api', { REGIONS: '' }, /REGIONS: must list at least one region/],
    ['api', { JWT_SECRET: undefined, NODE_ENV: 'production' }, /JWT_SECRET: is required/],
    ['api', { ENCRYPTION_KEYS: 'v1:dG9vLXNob3J0' }, /ENCRYPTION_KEYS: entry 1 must be/],
    ['worker', { WORKER_REGION: 'mars-north-1' }, /WORKER_REGION: must be one of REGIONS/],
    ['worker', { ENCRYPTION_KEYS: undefined }, /ENCRYPTION_KEYS: is required/],
  ] as const)('%s with %j stops with a message naming the setting', async (app, overrides, message) => {
    const process = spawnFlowline(app, {
      ...baseTestEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/flowline_unused' }),
      ...overrides,
    });
    const code = await process.exited;
    expect(code).toBe(1);
    expect(process.logs).toMatch(message);
    expect(process.logs).not.toContain('dG9vLXNob3J0');
  });
});
