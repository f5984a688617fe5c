import type { AdmitOutcome } from '@app/executions';
import { RecentRefusals, REFUSAL_TTL_MS, RefusalKey } from './recent-refusals';

const key: RefusalKey = { ownerId: 'o1', workflowId: 'w1', region: null, queueWhenBusy: false, maxConcurrent: 2, daily: 100 };
const refused: AdmitOutcome = {
  decision: 'concurrency_limit',
  region: 'us-east-1',
  queue: 'us-east-1-default',
  createdAt: null,
  priority: 0,
  usage: { active: 2, waiting: 0, today: 5 },
};

describe('RecentRefusals', () => {
  let clock: number;
  let refusals: RecentRefusals;

  beforeEach(() => {
    clock = 1_000;
    refusals = new RecentRefusals(() => clock);
  });

  it('answers with a refusal younger than the TTL, counted from when the decision was asked for', () => {
    refusals.remember(key, refused, 1_000);
    clock = 1_000 + REFUSAL_TTL_MS - 1;
    expect(refusals.recall(key)).toBe(refused);
    clock = 1_000 + REFUSAL_TTL_MS;
    expect(refusals.recall(key)).toBeNull();
  });

  it.each([
    ['another owner', { ownerId: 'o2' }],
    ['another workflow', { workflowId: 'w2' }],
    ['another requested region', { region: 'eu-west-1' }],
    ['queue-when-busy instead of reject', { queueWhenBusy: true }],
    ['a higher concurrency limit (an upgrade)', { maxConcurrent: 10 }],
    ['another daily limit', { daily: null }],
  ])('does not answer for %s', (_case, change) => {
    refusals.remember(key, refused, clock);
    expect(refusals.recall({ ...key, ...change })).toBeNull();
    expect(refusals.recall(key)).toBe(refused);
  });

  it('stays bounded: expired entries go first, and it never holds more than its maximum', () => {
    for (let i = 0; i < 10_000; i++) refusals.remember({ ...key, ownerId: `old-${i}` }, refused, clock);
    clock += REFUSAL_TTL_MS;
    refusals.remember(key, refused, clock);
    expect(refusals.recall({ ...key, ownerId: 'old-1' })).toBeNull();
    expect(refusals.recall(key)).toBe(refused);
  });
});
