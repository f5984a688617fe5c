import { configProblems, VALID_ENV as valid } from './config-spec-support';
import { parseConfig } from './load-config';

const problems = (env: Record<string, string>) => configProblems({ ...valid, ...env });

describe('REDIS_CLUSTER', () => {
  it('is false by default, and a boolean', () => {
    expect(parseConfig(valid).redisCluster).toBe(false);
    expect(parseConfig({ ...valid, REDIS_CLUSTER: 'true' }).redisCluster).toBe(true);
    expect(problems({ REDIS_CLUSTER: 'cluster' })).toEqual(['REDIS_CLUSTER: must be true or false']);
  });

  it('makes each Redis URL setting a seed list, a region keeping its own cluster', () => {
    const config = parseConfig({
      ...valid,
      REDIS_CLUSTER: 'true',
      REDIS_URL: 'redis://:pw@a:7000, redis://:pw@b:7001',
      REDIS_URL_EU_WEST_1: 'rediss://eu:6380',
    });
    expect(config.redisUrl).toBe('redis://:pw@a:7000,redis://:pw@b:7001');
    expect(config.regionRedisUrls).toEqual({ 'us-east-1': config.redisUrl, 'eu-west-1': 'rediss://eu:6380' });
  });

  it('refuses a seed list without it, a database index or mixed credentials with it, naming the setting and never the value', () => {
    expect(problems({ REDIS_URL: 'redis://a:7000,redis://b:7001' })).toEqual([
      'REDIS_URL: is a comma list: several seed nodes need REDIS_CLUSTER=true',
    ]);
    expect(problems({ REDIS_CLUSTER: 'true', REDIS_URL_EU_WEST_1: 'redis://eu:7000/3' })).toEqual([
      'REDIS_URL_EU_WEST_1: may not name a database: a Redis Cluster has only database 0',
    ]);
    const mixed = problems({ REDIS_CLUSTER: 'true', REDIS_URL: 'redis://:secret-one@a:7000,redis://:secret-two@b:7001' });
    expect(mixed).toEqual(['REDIS_URL: seed nodes must share one scheme, user and password']);
    expect(problems({ REDIS_CLUSTER: 'true', REDIS_URL: 'redis://a:7000,http://b' })).toEqual([
      'REDIS_URL: must be a URL starting with redis: or rediss:',
    ]);
    expect(problems({ REDIS_CLUSTER: 'true', REDIS_URL: 'redis://a:7000,::nonsense' })).toEqual([
      'REDIS_URL: must be a comma list of valid URLs',
    ]);
  });

  it('refuses braces in REDIS_KEY_PREFIX on a cluster: the queues hash tags are built from it', () => {
    expect(problems({ REDIS_CLUSTER: 'true', REDIS_KEY_PREFIX: '{flowline}' })).toEqual([
      'REDIS_KEY_PREFIX: may not contain { or } when REDIS_CLUSTER=true',
    ]);
    expect(parseConfig({ ...valid, REDIS_KEY_PREFIX: '{flowline}' }).redisKeyPrefix).toBe('{flowline}');
  });
});
