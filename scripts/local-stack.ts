import { spawn, type ChildProcess } from 'node:child_process';
import { workerAllocatorEnv } from '../lib/allocator';
import { isRunning } from '../lib/child-process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { freePort } from '../lib/free-port';
import { startPostgres, type PostgresServer } from '../lib/postgres-server';
import { devServerArgs, temporalCliPath, waitForTemporal } from '../lib/temporal/temporal-cli';

// A whole examflow on loopback as child processes — PostgreSQL (records, cluster under
// <dataDir>/postgres), the file-backed Temporal dev server, one worker and the API, each
// on a free port, their output in <dataDir>/processes.log. The chaos run kills and
// restarts the parts; the benchmark stops the worker.

export interface LocalStack {
  address: string;
  baseUrl: string;
  server: ChildProcess;
  /** the records database server (its process may be killed and restarted); the production
   *  stack's PostgreSQL also carries Temporal, so it has none of its own to kill */
  postgres?: PostgresServer;
  databaseUrl: string;
  worker: ChildProcess | null;
  api: ChildProcess;
  /** starts the dev server again on the same SQLite file and waits until it answers */
  startServer(): Promise<void>;
  startWorker(): void;
  /** one more worker process on the same queues (the benchmark's second worker) */
  addWorker(): ChildProcess;
  extraWorkers: ChildProcess[];
  /** SIGTERM: worker and API first (they drain), the server last */
  stop(): Promise<void>;
  /** SIGKILL everything at once (a hard time limit) */
  kill(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dist = path.resolve(__dirname, '..');

export async function startLocalStack(dataDir: string, env: NodeJS.ProcessEnv): Promise<LocalStack> {
  const address = `127.0.0.1:${await freePort()}`;
  const apiPort = await freePort();
  const log = createWriteStream(path.join(dataDir, 'processes.log'));
  const postgres = await startPostgres(path.join(dataDir, 'postgres'), { log: (line) => log.write(`[postgres] ${line}`) });
  const childEnv = {
    ...env,
    EXAMFLOW_DATABASE_URL: postgres.url,
    EXAMFLOW_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: address,
    EXAMFLOW_API_HOST: '127.0.0.1',
    EXAMFLOW_API_PORT: String(apiPort),
  };
  const run = (name: string, command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const child = spawn(command, args, { env: { ...childEnv, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => log.write(`[${name}] ${d.toString()}`));
    child.stderr.on('data', (d: Buffer) => log.write(`[${name}] ${d.toString()}`));
    return child;
  };
  const dbFile = path.join(dataDir, 'temporal.db');
  // Every worker process ever started: stop() and kill() reach any still running.
  const everyWorker: ChildProcess[] = [];
  const runWorker = (name: string) => {
    const worker = run(name, process.execPath, [path.join(dist, 'worker', 'main.js')], workerAllocatorEnv(childEnv));
    everyWorker.push(worker);
    return worker;
  };
  const running = () => everyWorker.filter(isRunning);
  const stack: LocalStack = {
    address,
    baseUrl: `http://127.0.0.1:${apiPort}`,
    // set just below, in start order
    server: undefined as unknown as ChildProcess,
    postgres,
    databaseUrl: postgres.url,
    worker: null,
    api: undefined as unknown as ChildProcess,
    async startServer() {
      stack.server = run('temporal', temporalCliPath(), devServerArgs({ dbFile, address, uiPort: null, namespace: 'default' }));
      await waitForTemporal(address);
    },
    startWorker() {
      stack.worker = runWorker('worker');
    },
    extraWorkers: [],
    addWorker() {
      const worker = runWorker(`worker-${stack.extraWorkers.length + 2}`);
      stack.extraWorkers.push(worker);
      return worker;
    },
    async stop() {
      for (const worker of running()) worker.kill('SIGTERM');
      stack.api.kill('SIGTERM');
      await sleep(1_500);
      stack.server.kill('SIGTERM');
      await postgres.stop();
    },
    kill() {
      // The API and server may not have started yet (a time limit during start-up).
      const others: (ChildProcess | undefined)[] = [stack.api, stack.server];
      for (const child of [...running(), ...others]) child?.kill('SIGKILL');
      postgres.stopSync();
    },
  };
  await stack.startServer();
  stack.startWorker();
  stack.api = run('api', process.execPath, [path.join(dist, 'api', 'main.js')]);
  await apiReady(stack.baseUrl);
  return stack;
}

/** Whether the API at `baseUrl` answers `/ready` within about 30 s. */
export async function apiReady(baseUrl: string): Promise<boolean> {
  const ready = () =>
    fetch(`${baseUrl}/ready`).then(
      (r) => r.ok,
      () => false,
    );
  for (let i = 0; i < 150; i++) {
    if (await ready()) return true;
    await sleep(200);
  }
  return ready();
}
