import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NODE_FLAGS } from '../../scripts/node-flags.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname;
const PROFILER = join(ROOT, 'bench', 'lib', 'cpu-profiler.cjs');
const LOG_TAIL = 64 * 1024;

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A child node process whose output is kept (the tail) for error messages. */
export class BenchProcess {
  constructor(name, child) {
    this.name = name;
    this.child = child;
    this.output = '';
    const keep = (chunk) => {
      this.output = (this.output + chunk.toString()).slice(-LOG_TAIL);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  }

  get pid() {
    return this.child.pid;
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForOutput(pattern, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await sleep(50);
    }
  }

  /** This process and the ones it forked (API_PROCESSES > 1: the api processes under their supervisor). */
  pids() {
    if (!this.running) return [];
    const children = `/proc/${this.pid}/task/${this.pid}/children`;
    const forked = existsSync(children) ? readFileSync(children, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
    return [this.pid, ...forked];
  }

  /** Peak and current resident memory in MB of the largest of its processes (the target is per process), from /proc (Linux). */
  memory() {
    const figures = this.pids()
      .map((pid) => `/proc/${pid}/status`)
      .filter((path) => existsSync(path))
      .map((path) => {
        const status = readFileSync(path, 'utf8');
        const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
        return { peakRssMb: round(kb('VmHWM') / 1024, 1), rssMb: round(kb('VmRSS') / 1024, 1) };
      });
    if (figures.length === 0) return { peakRssMb: null, rssMb: null };
    return figures.reduce((largest, next) => (next.peakRssMb > largest.peakRssMb ? next : largest));
  }

  /** CPU time (user + system) used so far by it and its forked processes, in ms; comparable across runs on a busy machine, unlike rates. */
  cpuMs() {
    const pids = this.pids();
    if (pids.length === 0) return null;
    return pids.reduce((sum, pid) => {
      const path = `/proc/${pid}/stat`;
      if (!existsSync(path)) return sum;
      const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 100 Hz clock ticks
    }, 0);
  }

  profile(command) {
    if (this.running && this.child.connected) this.child.send({ benchProfile: command });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10000) {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Starts a node script with the flags the apps run with (scripts/node-flags.mjs). With `profileDir`, the process loads the bench's CPU
 * profiler, driven over an IPC channel (see cpu-profiler.cjs).
 */
export function spawnNode(name, script, env, { profileDir, args: scriptArgs = [] } = {}) {
  const args = [...NODE_FLAGS, ...(profileDir ? ['--require', PROFILER] : []), script, ...scriptArgs];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env, ...(profileDir ? { BENCH_PROFILE_DIR: profileDir, BENCH_PROFILE_NAME: name } : {}) },
    stdio: ['ignore', 'pipe', 'pipe', ...(profileDir ? ['ipc'] : [])],
  });
  return new BenchProcess(name, child);
}

export async function waitForHttp(url, process, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (!process.running) throw new Error(`${process.name} exited while starting:\n${process.output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${process.output.slice(-3000)}`);
    await sleep(100);
  }
}

export function round(value, digits = 0) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
