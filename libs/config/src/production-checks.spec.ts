import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { ConfigValidationError, parseConfig } from './load-config';

const example = parse(readFileSync(join(__dirname, '../../../.env.example'), 'utf8'));
const realSecrets = { JWT_SECRET: 'q'.repeat(20) + 'Z9'.repeat(10), ENCRYPTION_KEYS: `v1:${Buffer.alloc(32, 7).toString('base64')}` };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
}

describe('production refuses the example secrets and open metrics', () => {
  it('.env.example copied as it is: JWT_SECRET, ENCRYPTION_KEYS and METRICS_TOKEN are named, their values never', () => {
    const problems = problemsOf({ ...example, NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^JWT_SECRET: is the example value/),
        expect.stringMatching(/^ENCRYPTION_KEYS: entry 1 is the example value/),
        expect.stringMatching(/^METRICS_TOKEN: is required in production/),
      ]),
    );
    const text = problems.join('\n');
    expect(text).not.toContain(example.JWT_SECRET);
    expect(text).not.toContain(example.ENCRYPTION_KEYS.split(':')[1]);
  });

  it('an example key among real ones is still refused, whatever its id', () => {
    const material = example.ENCRYPTION_KEYS.split(':')[1];
    const problems = problemsOf({
      ...example,
      ...realSecrets,
      NODE_ENV: 'production',
      METRICS_PUBLIC: 'true',
      ENCRYPTION_KEYS: `${realSecrets.ENCRYPTION_KEYS},v7:${material}`,
    });
    expect(problems).toEqual([expect.stringMatching(/^ENCRYPTION_KEYS: entry 2 is the example value/)]);
  });

  it('a JWT secret under 32 bytes is refused', () => {
    expect(problemsOf({ ...example, ...realSecrets, JWT_SECRET: 'x'.repeat(31) })).toEqual(['JWT_SECRET: must be at least 32 bytes']);
  });

  it('boots with its own secrets and either a metrics token or METRICS_PUBLIC=true', () => {
    expect(problemsOf({ ...example, ...realSecrets, NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-0123456789' })).toEqual([]);
    expect(problemsOf({ ...example, ...realSecrets, NODE_ENV: 'production', METRICS_PUBLIC: 'true' })).toEqual([]);
  });

  it('development accepts the example as it is (npm run up writes fresh secrets anyway)', () => {
    expect(problemsOf({ ...example, NODE_ENV: 'development' })).toEqual([]);
  });
});
