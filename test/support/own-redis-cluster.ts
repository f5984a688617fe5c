import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import IORedis, { Cluster } from 'ioredis';
import { OwnRedis } from './own-redis';
import { eventually } from './polling';

const run = promisify(execFile);

/**
 * A Redis Cluster of the test's own: `size` redis-server nodes on spare loopback ports, masters only,
 * the 16384 slots split between them by `redis-cli --cluster create`.
 */
export class OwnRedisCluster {
  private constructor(readonly nodes: OwnRedis[]) {}

  static async start(size = 3): Promise<OwnRedisCluster> {
    const started = await Promise.allSettled(Array.from({ length: size }, () => OwnRedis.start({ clusterNode: true })));
    const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const cluster = new OwnRedisCluster(nodes);
    try {
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
      await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30000 });
      await cluster.waitUntilServing();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  /** The seed list a deployment would configure: every node's URL, comma-separated. */
  get seedUrls(): string {
    return this.nodes.map((node) => node.url).join(',');
  }

  /** A short-lived cluster client for assertions. */
  client(): Cluster {
    const client = new Cluster(
      this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
      { redisOptions: { maxRetriesPerRequest: null } },
    );
    client.on('error', () => undefined);
    return client;
  }

  /** Runs `work` with a plain client on each node (e.g. SCAN, which sees one node's keys). */
  async onEachNode<T>(work: (node: IORedis) => Promise<T>): Promise<T[]> {
    return Promise.all(
      this.nodes.map(async (node) => {
        const client = node.client();
        try {
          return await work(client);
        } finally {
          client.disconnect();
        }
      }),
    );
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy()));
  }

  /** Every node reports `cluster_state:ok` (it has learnt the slots of the others). */
  private async waitUntilServing(): Promise<void> {
    await eventually(
      () => this.onEachNode(async (node) => String(await node.cluster('INFO'))),
      (infos) => infos.every((info) => info.includes('cluster_state:ok')),
      20000,
    );
  }
}
