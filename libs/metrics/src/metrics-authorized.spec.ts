import { metricsAuthorized } from './flowline-metrics';

describe('metricsAuthorized (METRICS_TOKEN)', () => {
  const token = 'metrics-token-0123456789abcdef';

  it('is open without a token', () => {
    expect(metricsAuthorized(null, undefined)).toBe(true);
  });

  it('takes exactly "Bearer <token>"', () => {
    expect(metricsAuthorized(token, `Bearer ${token}`)).toBe(true);
  });

  it.each([undefined, '', token, `Bearer ${token.slice(0, -1)}`, `Bearer ${token}x`, `bearer ${token}`, `Bearer ${token.toUpperCase()}`])(
    'refuses %p (a prefix, a longer value, another case, none)',
    (authorization) => {
      expect(metricsAuthorized(token, authorization)).toBe(false);
    },
  );
});
