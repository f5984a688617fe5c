import { scrubAuditMetadata } from './audit-metadata';

describe('scrubAuditMetadata', () => {
  it('drops secret-named keys at any depth and keeps the rest', () => {
    const scrubbed = scrubAuditMetadata({
      name: 'stripe',
      type: 'bearer',
      data: { token: 'sk_live_1' },
      password: 'hunter2hunter2',
      nested: { api_key: 'k', Authorization: 'Bearer x', from: 'free', to: 'pro', list: [{ secret: 's', keep: 1 }] },
    });
    expect(scrubbed).toEqual({ name: 'stripe', type: 'bearer', nested: { from: 'free', to: 'pro', list: [{ keep: 1 }] } });
    expect(JSON.stringify(scrubbed)).not.toMatch(/sk_live_1|hunter2|Bearer x/);
  });

  it('bounds long strings and deep nesting, and accepts nothing at all', () => {
    expect((scrubAuditMetadata({ note: 'x'.repeat(2000) }).note as string).length).toBeLessThan(510);
    expect(scrubAuditMetadata({ a: { b: { c: { d: { e: 1 } } } } })).toEqual({ a: { b: { c: { d: '[truncated]' } } } });
    expect(scrubAuditMetadata(undefined)).toEqual({});
  });
});
