// A PostgreSQL server on this machine is cheaper to talk to through its Unix socket than through TCP on
// loopback: each statement skips the kernel's TCP path on both ends. Measured with the benchmark in
// single-machine mode, where every queue operation is a statement: see the README's Performance section.
// Used by `npm run up` (when it picks the server itself) and by the benchmark.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

async function withClient(url, timeoutMs, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * `url` (a PostgreSQL URL on loopback) with the server's own Unix socket as its host (`?host=<directory>`),
 * when the server has one in a directory this process can reach and a connection through it works with the
 * same credentials; null otherwise (another host, a URL that already names its host, no socket, peer
 * authentication refusing this user, nobody answering). Never throws.
 */
export async function localSocketUrl(url, { timeoutMs = 2000 } = {}) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!LOOPBACK.has(parsed.hostname) || parsed.searchParams.has('host')) return null;
  try {
    const { directories, port } = await withClient(
      url,
      timeoutMs,
      async (client) =>
        (await client.query(`SELECT current_setting('unix_socket_directories') AS directories, current_setting('port') AS port`)).rows[0],
    );
    for (const directory of directories.split(',').map((entry) => entry.trim())) {
      // '@…' is Linux's abstract namespace, which has no file to find; '' means no socket at all.
      if (!directory.startsWith('/') || !existsSync(join(directory, `.s.PGSQL.${port}`))) continue;
      const candidate = new URL(url);
      candidate.port = port;
      candidate.searchParams.set('host', directory);
      const throughSocket = await withClient(
        candidate.toString(),
        timeoutMs,
        async (client) =>
          // inet_server_addr() is NULL exactly when the connection is not over TCP.
          (await client.query('SELECT inet_server_addr() IS NULL AS socket')).rows[0].socket,
      ).catch(() => false);
      if (throughSocket) return candidate.toString();
    }
  } catch {
    // Not reachable, or not ours to ask: the caller keeps its URL.
  }
  return null;
}
