import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The generated types really refuse wrong calls: tsc compiles test/client-types, whose every `@ts-expect-error`
 * must meet an error (an unmet one is itself an error, TS2578).
 */
const ROOT = resolve(__dirname, '../../..');

/**
 * False while the api's document types `steps` loosely (items: {type: object}); true once it is a oneOf union of
 * the step types and the client is regenerated (then also drop the exclude of step-params.type-test.ts in tsconfig.json).
 */
const STEP_PARAMS_TYPED = true;

function tsc(project: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('@flowline/client types', () => {
  it('refuse a workflow without name, an unknown trigger type, a run without workflowId, wrong paths and misused results', () => {
    const result = tsc('test/client-types/tsconfig.json');
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  (STEP_PARAMS_TYPED ? it : it.skip)('refuse wrong step params (an http url that is a number, a transform without expression)', () => {
    const result = tsc('test/client-types/tsconfig.steps.json');
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
