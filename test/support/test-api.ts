import type { RawEnv } from '../../libs/config/src/env-reader';
import { createTestDatabase, TestDatabase } from './database';
import { HttpClient } from './http-client';
import { FlowlineProcess, freePort, spawnFlowline, waitForHttp } from './processes';
import { baseTestEnv } from './test-env';

export interface TestApi {
  process: FlowlineProcess;
  env: RawEnv;
  http: HttpClient;
  url: string;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestStack {
  database: TestDatabase;
  env: RawEnv;
  apis: TestApi[];
  workers: FlowlineProcess[];
  /** WORKER_HTTP_PORT of each worker, by index in `workers`. */
  workerPorts: number[];
  /** The first api. */
  api: TestApi;
  startApi(overrides?: RawEnv): Promise<TestApi>;
  startWorker(overrides?: RawEnv): Promise<FlowlineProcess>;
  close(): Promise<void>;
}

/**
 * Real processes, as deployed: the built api (and workers) on a database of
 * their own and a Redis key prefix of their own. `options.database` replaces the
 * clone of the shared template (e.g. a database on a PostgreSQL of the test's own).
 */
export async function startStack(
  overrides: RawEnv = {},
  options: { workers?: RawEnv[]; database?: TestDatabase } = {},
): Promise<TestStack> {
  const database = options.database ?? (await createTestDatabase());
  const env = baseTestEnv({ DATABASE_URL: database.url, ...overrides });
  const apis: TestApi[] = [];
  const workers: FlowlineProcess[] = [];
  const workerPorts: number[] = [];

  const startApi = async (more: RawEnv = {}): Promise<TestApi> => {
    const port = await freePort();
    const apiEnv = { ...env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...more };
    const process = spawnFlowline('api', apiEnv);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health`, 90000, process);
    const api: TestApi = { process, env: apiEnv, http: new HttpClient(url), url, database, close: async () => void (await process.stop()) };
    apis.push(api);
    return api;
  };

  const startWorker = async (more: RawEnv = {}): Promise<FlowlineProcess> => {
    const port = await freePort();
    const worker = spawnFlowline('worker', { ...env, WORKER_HTTP_PORT: String(port), ...more });
    workers.push(worker);
    workerPorts.push(port);
    await waitForHttp(`http://127.0.0.1:${port}/health`, 90000, worker);
    return worker;
  };

  try {
    const api = await startApi();
    for (const workerEnv of options.workers ?? []) await startWorker(workerEnv);
    return {
      database,
      env,
      apis,
      workers,
      workerPorts,
      api,
      startApi,
      startWorker,
      close: async () => {
        await Promise.all([...workers.map((worker) => worker.stop('SIGKILL')), ...apis.map((a) => a.process.stop('SIGKILL'))]);
        await database.drop();
      },
    };
  } catch (error) {
    await Promise.all([...workers.map((worker) => worker.stop('SIGKILL')), ...apis.map((a) => a.process.stop('SIGKILL'))]);
    await database.drop();
    throw error;
  }
}
