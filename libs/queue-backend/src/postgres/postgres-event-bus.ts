import { Client, Pool } from 'pg';
import { EventBus, EventChannel } from '../event-bus';

const RECONNECT_MS = 1000;
/** PostgreSQL cuts identifiers (channel names) at 63 bytes. */
const MAX_CHANNEL_BYTES = 63;

/**
 * LISTEN/NOTIFY in the deployment's database, channels under the key prefix. One listening connection per
 * process, opened on the first subscription and opened again (listening to every channel) after it drops.
 */
export class PostgresEventBus extends EventBus {
  private listener?: Client;
  private connecting?: Promise<Client>;
  private closed = false;
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(
    private readonly pool: Pool,
    private readonly databaseUrl: string,
    private readonly keyPrefix: string,
  ) {
    super();
  }

  async publish(channel: EventChannel, message: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [this.channelName(channel), message]);
  }

  async subscribe(channel: EventChannel, onMessage: (message: string) => void): Promise<void> {
    const name = this.channelName(channel);
    this.handlers.set(name, onMessage);
    try {
      const listener = await this.connect();
      await listener.query(`LISTEN ${quoteIdentifier(name)}`);
    } catch {
      this.reconnectLater();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private connect(): Promise<Client> {
    if (this.listener) return Promise.resolve(this.listener);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const client = new Client({ connectionString: this.databaseUrl, keepAlive: true, connectionTimeoutMillis: 5000 });
    client.on('notification', ({ channel, payload }) => this.handlers.get(channel)?.(payload ?? ''));
    const dropped = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      this.reconnectLater();
    };
    client.on('error', dropped);
    client.on('end', dropped);
    await client.connect().catch(async (error: Error) => {
      await client.end().catch(() => undefined);
      throw error;
    });
    this.listener = client;
    return client;
  }

  private reconnectLater(): void {
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed || this.listener) return;
      this.connect()
        .then((client) => Promise.all([...this.handlers.keys()].map((name) => client.query(`LISTEN ${quoteIdentifier(name)}`))))
        .catch(() => this.reconnectLater());
    }, RECONNECT_MS).unref();
  }

  private channelName(channel: EventChannel): string {
    const name = `${this.keyPrefix}:${channel}`;
    if (Buffer.byteLength(name) > MAX_CHANNEL_BYTES) throw new Error(`Event channel name too long for PostgreSQL: ${name}`);
    return name;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
