import { Client } from 'pg';
import { HttpClient } from '../support/http-client';
import { OwnPostgres } from '../support/own-postgres';
import { FlowlineProcess, freePort, spawnFlowline, waitForHttp } from '../support/processes';
import { baseTestEnv } from '../support/test-env';
import { registerUser } from '../support/users';

describe("PostgreSQL outage (a server of this test's own)", () => {
  let postgres: OwnPostgres;
  let api: FlowlineProcess;
  let http: HttpClient;

  beforeAll(async () => {
    postgres = await OwnPostgres.start();
    const client = new Client({ connectionString: postgres.url() });
    await client.connect();
    await client.query('CREATE DATABASE flowline');
    await client.end();
    const port = await freePort();
    api = spawnFlowline('api', baseTestEnv({ DATABASE_URL: postgres.url('flowline'), PORT: String(port), MIGRATIONS_RUN: 'true' }));
    http = new HttpClient(`http://127.0.0.1:${port}`);
    await waitForHttp(`${http.baseUrl}/health`, 30000, api);
  });

  afterAll(async () => {
    await api?.stop('SIGKILL');
    postgres?.destroy();
  });

  it('answers 503 quickly while PostgreSQL is down and recovers by itself', async () => {
    const user = await registerUser(http);
    expect((await http.get('/users/me', { token: user.token })).status).toBe(200);
    expect((await http.get('/health/ready')).status).toBe(200);

    postgres.stopServer();
    try {
      const started = Date.now();
      const down = await http.get('/users/me', { token: user.token });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE' });
      expect(down.headers.get('x-frame-options')).toBe('DENY');
      // No connection string, host, port or driver text in the answer.
      expect(down.text).not.toMatch(/postgres|127\.0\.0\.1|ECONNREFUSED|5432|\d{4,5}\/flowline/i);

      const register = await http.post('/auth/register', { email: 'during-outage@example.com', password: 'long-enough-password' });
      expect(register.status).toBe(503);

      const ready = await http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', checks: { database: 'down', redis: 'up' } });
      expect((await http.get('/health')).status).toBe(200);
    } finally {
      postgres.startServer();
    }

    const deadline = Date.now() + 10000;
    let again = await http.get('/users/me', { token: user.token });
    while (again.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      again = await http.get('/users/me', { token: user.token });
    }
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(user.id);
    expect(api.running).toBe(true);
    expect(api.logs).not.toContain('long-enough-password');
  });
});
