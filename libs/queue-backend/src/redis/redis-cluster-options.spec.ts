import { clusterOptions, clusterSeeds } from './redis-cluster-options';
import { redisOptions } from './redis-client';

describe('clusterSeeds', () => {
  it('reads every seed of a comma list, port 6379 when none is given', () => {
    expect(clusterSeeds('redis://a.internal:7000, redis://b.internal,redis://[::1]:7002')).toEqual([
      { host: 'a.internal', port: 7000 },
      { host: 'b.internal', port: 6379 },
      { host: '::1', port: 7002 },
    ]);
  });
});

describe('clusterOptions', () => {
  it('request path: no offline queue on the cluster, one retry and short timeouts on each node connection', () => {
    const options = clusterOptions('redis://a:7000', redisOptions('fail-fast'));
    expect(options).toMatchObject({ enableOfflineQueue: false, enableAutoPipelining: true, scaleReads: 'master' });
    expect(options.redisOptions).toEqual({ maxRetriesPerRequest: 1, connectTimeout: 1500, commandTimeout: 4000 });
    expect(options.clusterRetryStrategy?.(3, undefined)).toBe(600);
    expect(options.clusterRetryStrategy?.(100, undefined)).toBe(2000);
  });

  it("BullMQ consumers: maxRetriesPerRequest null on the node connections (BullMQ checks the Cluster's redisOptions)", () => {
    const options = clusterOptions('redis://a:7000', redisOptions('waiting'));
    expect(options.enableOfflineQueue).toBeUndefined(); // ioredis' default: queue while the cluster connects
    expect(options.enableReadyCheck).toBe(true);
    expect(options.redisOptions).toEqual({ maxRetriesPerRequest: null });
  });

  it("takes the seeds' credentials for every node (the slot map names nodes without them)", () => {
    const options = clusterOptions('redis://flow:p%40ss@a:7000,redis://flow:p%40ss@b:7000', redisOptions('waiting'));
    expect(options.redisOptions).toMatchObject({ username: 'flow', password: 'p@ss' });
    expect(options.dnsLookup).toBeUndefined();
  });

  it('rediss: TLS on every node, names kept as given so certificates match them', () => {
    const options = clusterOptions('rediss://:secret@a.example.com:6380', redisOptions('fail-fast'));
    expect(options.redisOptions).toMatchObject({ password: 'secret', tls: {} });
    const resolved = jest.fn();
    options.dnsLookup?.('a.example.com', resolved);
    expect(resolved).toHaveBeenCalledWith(null, 'a.example.com');
  });
});
