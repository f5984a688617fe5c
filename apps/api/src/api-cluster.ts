import cluster, { Worker } from 'node:cluster';
import pino from 'pino';
import { AppConfig } from '@app/config';
import { baseLoggerOptions } from '@app/logging';
import { serveClusterMetrics } from '@app/metrics';

const RESTART_DELAY_MS = 1000;

/**
 * API_PROCESSES > 1: this process forks that many api processes sharing PORT
 * (node:cluster hands them connections in turn) and stays their supervisor.
 * A process that dies after it served is replaced; one that dies before it
 * ever listened means the api cannot start (bad database, port taken), so
 * the whole api stops with its exit code, as a single process would.
 * SIGTERM/SIGINT stop every process gracefully, then this one.
 */
export function superviseApiProcesses(config: AppConfig): void {
  const logger = pino({ ...baseLoggerOptions(config, 'flowline-api'), base: { pid: process.pid, context: 'ApiCluster' } });
  const listened = new WeakSet<Worker>();
  let stopping = false;
  let exitCode = 0;

  serveClusterMetrics();
  cluster.on('listening', (worker) => listened.add(worker));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!listened.has(worker)) {
      logger.error(`api process ${worker.process.pid} exited (${signal ?? code}) before it listened; stopping`);
      stopAll('SIGTERM', code || 1);
      return;
    }
    logger.warn(`api process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => !stopping && cluster.fork(), RESTART_DELAY_MS).unref();
  });

  const stopAll = (signal: NodeJS.Signals, code = 0): void => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill(signal);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stopAll(signal));

  for (let i = 0; i < config.apiProcesses; i++) cluster.fork();
  logger.info(`Flowline api: ${config.apiProcesses} processes sharing port ${config.port}`);
}
