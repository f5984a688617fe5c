import type { ClusterOptions, RedisOptions } from 'ioredis';

export interface SeedNode {
  host: string;
  port: number;
}

/** The seed nodes of a comma list of URLs: the client asks them for the cluster's slot map and finds the other nodes there. */
export function clusterSeeds(urls: string): SeedNode[] {
  return urls.split(',').map((seed) => {
    const url = new URL(seed.trim());
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : 6379 };
  });
}

/**
 * The options of a Cluster client whose node connections behave like `node` (one connection's options, as
 * for a single Redis): what ioredis takes at the cluster level moves there, the rest goes to every node
 * connection, with the credentials and TLS of the seed URLs (config checks they share them).
 */
export function clusterOptions(urls: string, node: RedisOptions): ClusterOptions {
  const { enableOfflineQueue, enableAutoPipelining, enableReadyCheck, retryStrategy, ...perNode } = node;
  const first = new URL(urls.split(',')[0].trim());
  const tls = first.protocol === 'rediss:';
  return {
    enableOfflineQueue,
    enableAutoPipelining,
    enableReadyCheck,
    clusterRetryStrategy: retryStrategy ? (attempt) => retryStrategy(attempt) : undefined,
    // Replicas answer with a lag: jobs, locks and counters must be read where they are written.
    scaleReads: 'master',
    // With TLS, connect to the names as given so certificates are checked against them (ioredis' advice
    // for managed clusters); without, the default lookup resolves seed names to the addresses the slot map uses.
    ...(tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    redisOptions: {
      ...perNode,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(tls ? { tls: {} } : {}),
    },
  };
}
