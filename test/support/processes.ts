import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { RawEnv } from '../../libs/config/src/env-reader';

const ROOT = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // All interfaces, as the worker's /health server listens.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports, for a setting whose processes take base, base + 1, ... (up.mjs gives the
 * workers WORKER_HTTP_PORT + their index): only the first one would be free for sure with freePort alone.
 */
export async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, index) => bindable(base + 1 + index)));
    if ((await bindable(base)) && rest.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** A real Flowline process (the built api or worker), its output kept for assertions. */
export class FlowlineProcess {
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  get logs(): string {
    return this.output;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForLog(pattern: RegExp, timeoutMs = 20000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (!this.running) throw new Error(`${this.name} exited while waiting for ${pattern}:\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGTERM (graceful) by default; resolves when the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15000): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

export function spawnFlowline(app: 'api' | 'worker' | 'cli', env: RawEnv, args: string[] = []): FlowlineProcess {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'main.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new FlowlineProcess(app, child);
}

export async function waitForHttp(url: string, timeoutMs = 20000, process?: FlowlineProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (process && !process.running) throw new Error(`${process.name} exited during start:\n${process.logs.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms\n${process?.logs.slice(-3000) ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the CLI to completion. */
export async function runCli(env: RawEnv, args: string[]): Promise<{ code: number | null; output: string }> {
  const cli = spawnFlowline('cli', env, args);
  const code = await cli.exited;
  return { code, output: cli.logs };
}
