import { RunErrorCode, UnknownRegionError } from '@app/errors';
import { admissionDecision, chooseRegion, promotableRuns, resolveRegion } from './admission-rules';
import { DECISION_CASES, REGION_CASES } from './admission-rules.testing';

describe('admissionDecision', () => {
  it.each(DECISION_CASES)('%s', (_name, snapshot, expected) => {
    expect(admissionDecision(snapshot)).toBe(expected);
  });
});

describe('chooseRegion', () => {
  it.each(REGION_CASES)('%s', (_name, choice, expected) => {
    expect(chooseRegion(choice)).toBe(expected);
  });
});

describe('resolveRegion', () => {
  const regions = ['us-east-1', 'eu-west-1'];

  it('answers a configured region', () => {
    expect(resolveRegion({ requested: null, workflowPin: 'eu-west-1', preferred: null, default: 'us-east-1' }, regions)).toBe('eu-west-1');
  });

  it('refuses an unknown one, listing the valid ones', () => {
    const resolve = () => resolveRegion({ requested: 'mars-1', workflowPin: null, preferred: null, default: 'us-east-1' }, regions);
    expect(resolve).toThrow(UnknownRegionError);
    expect(resolve).toThrow(/mars-1.*us-east-1, eu-west-1/);
    try {
      resolve();
    } catch (error) {
      expect((error as UnknownRegionError).code).toBe(RunErrorCode.UnknownRegion);
    }
  });
});

describe('promotableRuns', () => {
  it.each([
    ['unlimited: every waiting run', { active: 5, waiting: 3, today: 8 }, null, 3],
    ['the free slots', { active: 1, waiting: 5, today: 6 }, 3, 2],
    ['no more than wait', { active: 0, waiting: 1, today: 1 }, 3, 1],
    ['none when over the limit', { active: 4, waiting: 2, today: 6 }, 2, 0],
    ['none when nothing waits', { active: 0, waiting: 0, today: 0 }, 2, 0],
  ] as const)('%s', (_name, usage, limit, expected) => {
    expect(promotableRuns(usage, limit)).toBe(expected);
  });
});
