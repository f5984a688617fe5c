import pg from 'pg';
import Redis from 'ioredis';

function databaseUrl(adminUrl, database) {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the local PostgreSQL; `drop()` removes it even with open connections. */
export async function createDatabase(adminUrl, name) {
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** One long-lived connection for the bench's own queries (setup, polling, seeding). */
export async function connect(url) {
  const client = new pg.Client({ connectionString: url, application_name: 'flowline-bench' });
  await client.connect();
  return {
    rows: async (text, values = []) => (await client.query(text, values)).rows,
    one: async (text, values = []) => (await client.query(text, values)).rows[0],
    end: () => client.end(),
  };
}

/** Removes every key the run wrote (queues, counters), all under its unique prefix. */
export async function deleteRedisKeys(redisUrl, prefix) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
