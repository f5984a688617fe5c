import { configProblems as problems, TEST_KEY as KEY, VALID_ENV as valid } from './config-spec-support';
import { parseConfig, regionRedisSetting } from './load-config';

describe('parseConfig', () => {
  it('gives the documented defaults', () => {
    const config = parseConfig(valid);
    expect(config).toMatchObject({
      port: 3000,
      regions: ['us-east-1', 'eu-west-1'],
      defaultRegion: 'us-east-1',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/flowline',
      redisUrl: 'redis://127.0.0.1:6379',
      worker: { concurrency: 10, region: null, queue: null },
      jwt: { expiresIn: '1h', expiresInSeconds: 3600 },
      billing: { provider: 'mock' },
      httpStepAllowPrivate: false,
      executionTimeoutMs: 300000,
      auditRetentionDays: 365,
      migrationsRun: true,
      queueBackend: 'postgres',
    });
    expect(config.regionRedisUrls).toEqual({ 'us-east-1': 'redis://127.0.0.1:6379', 'eu-west-1': 'redis://127.0.0.1:6379' });
  });

  it('names every bad setting at once, never its value', () => {
    const found = problems({ REGIONS: '', PORT: 'abc', ENCRYPTION_KEYS: 'v1:c2hvcnQ=', WORKER_CONCURRENCY: '0' });
    expect(found.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'ENCRYPTION_KEYS',
      'JWT_SECRET',
      'PORT',
      'REGIONS',
      'WORKER_CONCURRENCY',
    ]);
    expect(found.join('\n')).not.toContain('c2hvcnQ=');
  });

  it('requires a default region that is one of REGIONS', () => {
    expect(problems({ ...valid, REGIONS: 'us-east-1', DEFAULT_REGION: 'eu-west-1' })).toEqual([
      'DEFAULT_REGION: must be one of REGIONS (us-east-1)',
    ]);
  });

  it('rejects malformed region names and duplicates', () => {
    expect(problems({ ...valid, REGIONS: 'us-east-1,Mars' })[0]).toMatch(/^REGIONS: "Mars"/);
    expect(problems({ ...valid, REGIONS: 'us-east-1,us-east-1' })).toEqual(['REGIONS: lists a region twice']);
  });

  it('runs queues on Redis when REDIS_URL is set, on PostgreSQL otherwise, unless QUEUE_BACKEND says', () => {
    expect(parseConfig({ ...valid, REDIS_URL: 'redis://cache:6379' }).queueBackend).toBe('redis');
    expect(parseConfig({ ...valid, QUEUE_BACKEND: 'redis' })).toMatchObject({ queueBackend: 'redis', redisUrl: 'redis://127.0.0.1:6379' });
    expect(parseConfig({ ...valid, REDIS_URL: 'redis://cache:6379', QUEUE_BACKEND: 'postgres' }).queueBackend).toBe('postgres');
    expect(problems({ ...valid, QUEUE_BACKEND: 'kafka' })).toEqual([expect.stringMatching(/^QUEUE_BACKEND: /)]);
  });

  it('gives a region its own Redis with REDIS_URL_<REGION>', () => {
    const config = parseConfig({ ...valid, REDIS_URL: 'redis://main:6379', REDIS_URL_EU_WEST_1: 'redis://eu:6379/2' });
    expect(config.regionRedisUrls).toEqual({ 'us-east-1': 'redis://main:6379', 'eu-west-1': 'redis://eu:6379/2' });
    expect(regionRedisSetting('eu-west-1')).toBe('REDIS_URL_EU_WEST_1');
  });

  it('accepts versioned encryption keys; the last one is active', () => {
    const config = parseConfig({ ...valid, ENCRYPTION_KEYS: `v1:${KEY},v2:${Buffer.alloc(32, 9).toString('base64')}` });
    expect(config.encryptionKeys.map((key) => key.id)).toEqual(['v1', 'v2']);
  });

  it('requires the Stripe settings only with BILLING_PROVIDER=stripe', () => {
    expect(problems({ ...valid, BILLING_PROVIDER: 'stripe' })).toEqual([
      'STRIPE_SECRET_KEY: is required when BILLING_PROVIDER=stripe',
      'STRIPE_WEBHOOK_SECRET: is required when BILLING_PROVIDER=stripe',
      'STRIPE_PRICE_PRO: is required when BILLING_PROVIDER=stripe',
      'STRIPE_PRICE_ENTERPRISE: is required when BILLING_PROVIDER=stripe',
    ]);
  });

  it('derives the Checkout return URLs from PUBLIC_URL unless they are set', () => {
    const derived = parseConfig({ ...valid, PUBLIC_URL: 'https://flow.example.com/' }).billing;
    expect(derived).toMatchObject({
      successUrl: 'https://flow.example.com/billing/success?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'https://flow.example.com/billing/cancel',
    });
    const set = parseConfig({
      ...valid,
      BILLING_SUCCESS_URL: 'https://app.example.com/paid',
      BILLING_CANCEL_URL: 'https://app.example.com/plans',
    }).billing;
    expect(set).toMatchObject({ successUrl: 'https://app.example.com/paid', cancelUrl: 'https://app.example.com/plans' });
    expect(problems({ ...valid, BILLING_SUCCESS_URL: 'ftp://nope' })).toEqual([
      'BILLING_SUCCESS_URL: must be a URL starting with http: or https:',
    ]);
  });

  it('validates the worker queue against the regions', () => {
    expect(problems({ ...valid, WORKER_QUEUE: 'ap-south-1-default' })[0]).toMatch(/^WORKER_QUEUE/);
    expect(parseConfig({ ...valid, WORKER_QUEUE: 'eu-west-1-default' }).worker.queue).toBe('eu-west-1-default');
  });

  it('refuses a wildcard CORS origin', () => {
    expect(problems({ ...valid, CORS_ORIGINS: '*' })).toEqual(['CORS_ORIGINS: must list origins; * is not allowed']);
  });

  it('takes the anonymous per-address request budget (ANON_REQUESTS_PER_MINUTE, default 300), refusing what is not a positive count', () => {
    expect(parseConfig(valid).anonymousRequestsPerMinute).toBe(300);
    expect(parseConfig({ ...valid, ANON_REQUESTS_PER_MINUTE: '50' }).anonymousRequestsPerMinute).toBe(50);
    for (const bad of ['0', '-5', 'lots', '1.5', '1000001'])
      expect(problems({ ...valid, ANON_REQUESTS_PER_MINUTE: bad })).toEqual([
        'ANON_REQUESTS_PER_MINUTE: must be a whole number from 1 to 1000000',
      ]);
  });

  it('takes the retention schedule and batch size, refusing a malformed cron', () => {
    expect(parseConfig(valid)).toMatchObject({ retentionCron: '0 * * * *', retentionBatchSize: 5000, retentionBatchPauseMs: 50 });
    expect(parseConfig({ ...valid, RETENTION_CRON: '*/2 * * * * *', RETENTION_BATCH_SIZE: '100' })).toMatchObject({
      retentionCron: '*/2 * * * * *',
      retentionBatchSize: 100,
    });
    expect(
      problems({ ...valid, RETENTION_CRON: 'every hour', RETENTION_BATCH_SIZE: '0' })
        .map((problem) => problem.split(':')[0])
        .sort(),
    ).toEqual(['RETENTION_BATCH_SIZE', 'RETENTION_CRON']);
  });
  describe('single sign-on (OIDC)', () => {
    const oidc = {
      OIDC_ISSUER: 'https://idp.example.com/realms/main',
      OIDC_CLIENT_ID: 'flowline',
      OIDC_CLIENT_SECRET: 'client-secret-value-never-echoed',
      OIDC_REDIRECT_URL: 'https://api.example.com/auth/oidc/callback',
    };

    it('is off with none of the four settings, and on with all of them', () => {
      expect(parseConfig(valid)).toMatchObject({ oidc: null, ssoEnforcedDomains: [] });
      expect(parseConfig({ ...valid, ...oidc }).oidc).toEqual({
        issuer: 'https://idp.example.com/realms/main',
        clientId: 'flowline',
        clientSecret: 'client-secret-value-never-echoed',
        redirectUrl: 'https://api.example.com/auth/oidc/callback',
      });
      expect(parseConfig({ ...valid, OIDC_ISSUER: '', OIDC_CLIENT_ID: ' ' }).oidc).toBeNull();
    });

    it('names the missing ones when only some are set, never the secret', () => {
      const found = problems({ ...valid, OIDC_ISSUER: oidc.OIDC_ISSUER, OIDC_CLIENT_SECRET: oidc.OIDC_CLIENT_SECRET });
      expect(found.map((problem) => problem.split(':')[0])).toEqual(['OIDC_CLIENT_ID', 'OIDC_REDIRECT_URL']);
      expect(found.join('\n')).not.toContain(oidc.OIDC_CLIENT_SECRET);
    });

    it('wants URLs, https in production, and a redirect to /auth/oidc/callback', () => {
      expect(problems({ ...valid, ...oidc, OIDC_ISSUER: 'not a url' })).toEqual(['OIDC_ISSUER: must be a valid URL']);
      expect(problems({ ...valid, ...oidc, OIDC_REDIRECT_URL: 'https://api.example.com/login' })).toEqual([
        "OIDC_REDIRECT_URL: must point at this api's /auth/oidc/callback",
      ]);
      expect(problems({ ...valid, ...oidc, OIDC_ISSUER: 'https://idp.example.com/?tenant=1' })).toEqual([
        'OIDC_ISSUER: must not carry a query or fragment',
      ]);
      const local = { ...oidc, OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_REDIRECT_URL: 'http://127.0.0.1:3000/auth/oidc/callback' };
      expect(parseConfig({ ...valid, ...local }).oidc?.issuer).toBe('http://127.0.0.1:9000');
      expect(problems({ ...valid, ...local, NODE_ENV: 'production', METRICS_PUBLIC: 'true' })).toEqual([
        'OIDC_ISSUER: must be an https URL in production',
        'OIDC_REDIRECT_URL: must be an https URL in production',
      ]);
    });

    it('takes enforced domains in lower case, refusing malformed ones and enforcement without a provider', () => {
      expect(parseConfig({ ...valid, ...oidc, SSO_ENFORCED_DOMAINS: 'Example.com, corp.example.org' }).ssoEnforcedDomains).toEqual([
        'example.com',
        'corp.example.org',
      ]);
      expect(problems({ ...valid, ...oidc, SSO_ENFORCED_DOMAINS: 'example.com,not a domain' })).toEqual([
        'SSO_ENFORCED_DOMAINS: "not a domain" is not a domain name like example.com',
      ]);
      expect(problems({ ...valid, SSO_ENFORCED_DOMAINS: 'example.com' })).toEqual([
        expect.stringMatching(/^SSO_ENFORCED_DOMAINS: needs single sign-on/),
      ]);
    });
  });
  describe('tracing (OpenTelemetry)', () => {
    it('is off without an OTLP endpoint, on with one, with the protocol and service name it names', () => {
      expect(parseConfig(valid).tracing).toBeNull();
      expect(parseConfig({ ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({
        endpoint: 'http://collector:4318',
        protocol: 'http/protobuf',
        serviceName: null,
      });
      expect(
        parseConfig({
          ...valid,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_SERVICE_NAME: 'api-eu',
        }).tracing,
      ).toMatchObject({ protocol: 'http/json', serviceName: 'api-eu' });
    });

    it('OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none turn it off', () => {
      const on = { ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
      expect(parseConfig({ ...on, OTEL_SDK_DISABLED: 'true' }).tracing).toBeNull();
      expect(parseConfig({ ...on, OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeNull();
    });

    it('refuses a malformed endpoint, protocol or batch setting, never echoing the endpoint (it may hold credentials)', () => {
      const found = problems({
        ...valid,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318/s3cret',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift',
        OTEL_BSP_SCHEDULE_DELAY: 'soon',
      });
      expect(found.map((problem) => problem.split(':')[0]).sort()).toEqual([
        'OTEL_BSP_SCHEDULE_DELAY',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_EXPORTER_OTLP_PROTOCOL',
      ]);
      expect(found.join('\n')).not.toContain('s3cret');
    });
  });
});
