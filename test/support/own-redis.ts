import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { freePort } from './processes';

export interface OwnRedisOptions {
  /** AOF persistence (`appendonly yes`, fsync on every write): what survives a restart. */
  appendonly?: boolean;
  /** A node of a Redis Cluster (`--cluster-enabled yes`, its node table in the temp dir); see own-redis-cluster.ts. */
  clusterNode?: boolean;
}

/**
 * A redis-server of the test's own, on a spare port with its data in a temp
 * dir, so a test can stop, kill and restart it without touching the shared one.
 * No RDB snapshots (`--save ""`): with appendonly off a restart loses everything.
 */
export class OwnRedis {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private log = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly options: OwnRedisOptions,
  ) {}

  static async start(options: OwnRedisOptions = {}): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), mkdtempSync(join(tmpdir(), 'flowline-redis-')), options);
    await redis.startServer();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async startServer(): Promise<void> {
    if (this.running) return;
    const persistence = this.options.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const cluster = this.options.clusterNode
      ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(this.dir, 'nodes.conf'), '--cluster-node-timeout', '5000']
      : [];
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...persistence,
        ...cluster,
        '--dir',
        this.dir,
        '--maxmemory-policy',
        'noeviction',
        '--protected-mode',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    await this.waitUntilReady();
  }

  /** Graceful: SHUTDOWN semantics (SIGTERM), the AOF is flushed. */
  stopServer(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** A crash: SIGKILL, nothing gets a chance to flush. */
  killServer(): Promise<void> {
    return this.signal('SIGKILL');
  }

  async restartServer(): Promise<void> {
    await this.stopServer();
    await this.startServer();
  }

  /** A short-lived client for assertions on keys and queues. */
  client(): IORedis {
    return new IORedis(this.url, { maxRetriesPerRequest: null, lazyConnect: false });
  }

  async destroy(): Promise<void> {
    await this.killServer();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.child?.kill(signal);
    await this.exited;
  }

  private async waitUntilReady(timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`redis-server exited at start:\n${this.log.slice(-2000)}`);
      const probe = new IORedis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableOfflineQueue: false,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        // not listening yet, or still loading the AOF
      } finally {
        probe.disconnect();
      }
      if (Date.now() > deadline)
        throw new Error(`redis-server on ${this.port} not ready within ${timeoutMs} ms:\n${this.log.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
