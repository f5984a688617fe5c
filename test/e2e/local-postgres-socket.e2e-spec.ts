import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { OwnPostgres } from '../support/own-postgres';

const SCRIPT = pathToFileURL(join(__dirname, '..', '..', 'scripts', 'local-postgres-socket.mjs')).href;

/** scripts/local-postgres-socket.mjs is an ES module, which jest cannot load here: it runs in a node of its own. */
function localSocketUrl(url: string): string | null {
  const program = `import { localSocketUrl } from ${JSON.stringify(SCRIPT)}; console.log(JSON.stringify(await localSocketUrl(process.argv[1])));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', program, url], { encoding: 'utf8', timeout: 20000 }));
}

async function transportOf(url: string): Promise<{ socket: boolean; database: string }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT inet_server_addr() IS NULL AS socket, current_database() AS database');
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('the local PostgreSQL server through its Unix socket (npm run up and the benchmark)', () => {
  it("finds this machine's server's socket and keeps the URL's database and user", async () => {
    const tcp = 'postgres://postgres@127.0.0.1:5432/postgres';
    expect(await transportOf(tcp)).toEqual({ socket: false, database: 'postgres' });
    const socketUrl = localSocketUrl(tcp);
    expect(socketUrl).not.toBeNull();
    const parsed = new URL(socketUrl as string);
    expect(parsed.searchParams.get('host')).toMatch(/^\//);
    expect(parsed.username).toBe('postgres');
    expect(await transportOf(socketUrl as string)).toEqual({ socket: true, database: 'postgres' });
  });

  it("finds a server's socket where that server keeps it, and gives up once nobody answers", async () => {
    const server = await OwnPostgres.start();
    try {
      const socketUrl = localSocketUrl(server.url());
      expect(new URL(socketUrl as string).searchParams.get('host')).toBe(server.socketDirectory);
      expect(await transportOf(socketUrl as string)).toEqual({ socket: true, database: 'postgres' });
      server.stopServer();
      expect(localSocketUrl(server.url())).toBeNull();
    } finally {
      server.destroy();
    }
  }, 60000);

  it('leaves alone a URL for another machine, one that names its host already, and one that is not a URL', () => {
    expect(localSocketUrl('postgres://postgres@db.internal.example:5432/flowline')).toBeNull();
    expect(localSocketUrl('postgres://postgres@127.0.0.1:5432/postgres?host=/var/run/postgresql')).toBeNull();
    expect(localSocketUrl('not a url')).toBeNull();
  });
});
