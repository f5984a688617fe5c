import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

interface Agreement {
  classes: { class: string; places: number }[];
  mismatches: Record<string, unknown>[];
}

/** scripts/openapi-validation-agreement.mjs in a Node process of its own: jest cannot load @nestjs/swagger (an ES module). */
function agreement(): Agreement {
  const run = spawnSync(process.execPath, [resolve(ROOT, 'scripts/openapi-validation-agreement.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (!run.stdout.startsWith('{')) throw new Error(`openapi-validation-agreement failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Agreement;
}

describe('the OpenAPI document follows the validation', () => {
  const result = agreement();

  it('checks every request DTO, each found in the document', () => {
    expect(result.classes.map((entry) => entry.class)).toEqual(
      expect.arrayContaining([
        'RegisterRequest',
        'CreateCredentialRequest',
        'RunRequest',
        'PaginationQuery',
        'AuditLogQuery',
        'CustomLimitsRequest',
      ]),
    );
    expect(result.classes.filter((entry) => entry.places === 0)).toEqual([]);
  });

  it('states every bound a validator enforces: lengths, ranges, integer formats, sizes, values, patterns', () => {
    expect(result.mismatches).toEqual([]);
  });
});
