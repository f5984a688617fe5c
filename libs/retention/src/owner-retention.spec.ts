import { ownerRetention } from './owner-retention';

describe('ownerRetention', () => {
  it('takes each owner window from the tier, a custom limit winning, and leaves unlimited owners out', () => {
    const result = ownerRetention([
      { id: 'free', tier: 'free', custom_limits: null },
      { id: 'pro', tier: 'pro', custom_limits: { maxWorkflows: 3 } },
      { id: 'enterprise', tier: 'enterprise', custom_limits: {} },
      { id: 'custom', tier: 'free', custom_limits: { retentionDays: 90 } },
      { id: 'forever', tier: 'pro', custom_limits: { retentionDays: null } },
    ]);
    expect(result).toEqual({ ownerIds: ['free', 'pro', 'enterprise', 'custom'], days: [7, 30, 365, 90] });
  });
});
