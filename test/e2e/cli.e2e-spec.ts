import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HttpClient } from '../support/http-client';
import { runCli } from '../support/processes';
import { startStack, TestStack } from '../support/test-api';

function cliWithStdin(
  env: Record<string, string | undefined>,
  args: string[],
  stdin: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'main.js'), ...args], {
      env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
    child.stdin.end(stdin);
  });
}

describe('operator CLI (npm run cli -- <command>)', () => {
  let stack: TestStack;
  let http: HttpClient;

  beforeAll(async () => {
    stack = await startStack({}, { workers: [{ WORKER_REGION: 'us-east-1' }] });
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  it('create-admin makes an account that can log in and use admin routes; the password never shows in the output', async () => {
    const result = await cliWithStdin(stack.env, ['create-admin', '--email', 'Ops@Example.com'], 'operator-password-123\n');
    expect(result).toEqual({ code: 0, output: 'Created admin ops@example.com\n' });
    const login = await http.post('/auth/login', { email: 'ops@example.com', password: 'operator-password-123' });
    expect(login.status).toBe(200);
    expect((await http.get('/admin/users', { token: login.body.accessToken })).status).toBe(200);

    const short = await cliWithStdin(stack.env, ['create-admin', '--email', 'x@example.com'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.output).toContain('at least 10 characters');
    expect(short.output).not.toContain('short\n');
  });

  it('status shows each region queue with its workers and the executions by status', async () => {
    const result = await runCli(stack.env, ['status']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^us-east-1\s+us-east-1-default\s+yes\s+1\s+0\s+0\s+0$/m);
    expect(result.output).toMatch(/^eu-west-1\s+eu-west-1-default\s+no\s+0\s+0\s+0\s+0$/m);
    expect(result.output).toMatch(/^executions: /m);
  });

  it('migrate reports an up-to-date schema', async () => {
    const result = await runCli(stack.env, ['migrate']);
    expect(result).toEqual({ code: 0, output: 'Database schema is up to date\n' });
  });
});
