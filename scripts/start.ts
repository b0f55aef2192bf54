import { spawn, type ChildProcess } from 'node:child_process';
import { workerAllocatorEnv } from '../lib/allocator';
import { terminate } from '../lib/child-process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { config } from '../lib/config';
import { startPostgres, type PostgresServer } from '../lib/postgres-server';
import { devServerArgs, temporalCliPath, waitForTemporal } from '../lib/temporal/temporal-cli';

// `npm start`: the whole system on embedded defaults — PostgreSQL (the records, a cluster
// under the data folder, unless EXAMFLOW_DATABASE_URL names one), the Temporal dev server
// (SQLite file under the data folder, Web UI), the worker and the API — as child processes
// that stop together on Ctrl-C / SIGTERM.

const cfg = config();
const uiPort = new URL(cfg.TEMPORAL_UI_URL).port || '8233';
const children: ChildProcess[] = [];
let stopping = false;
let postgres: PostgresServer | undefined;
let databaseUrl = cfg.EXAMFLOW_DATABASE_URL;

function run(name: string, command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, EXAMFLOW_SERVICE: name, ...(databaseUrl ? { EXAMFLOW_DATABASE_URL: databaseUrl } : {}), ...extraEnv },
  });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  return child;
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Worker and API first (they drain), the server last.
  const [server, ...services] = children;
  await Promise.all(services.map((c) => terminate(c, 25_000)));
  if (server) await terminate(server, 10_000);
  await postgres?.stop();
  process.exit(exitCode);
}

async function main(): Promise<void> {
  mkdirSync(cfg.EXAMFLOW_DATA_DIR, { recursive: true });
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  if (!databaseUrl) {
    postgres = await startPostgres(path.join(cfg.EXAMFLOW_DATA_DIR, 'postgres'));
    postgres.process.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`[start] postgres exited (${signal ?? code}); stopping everything`);
        void stop(1);
      }
    });
    databaseUrl = postgres.url;
  }
  const dbFile = path.join(cfg.EXAMFLOW_DATA_DIR, 'temporal.db');
  run('temporal', temporalCliPath(), devServerArgs({ dbFile, address: cfg.TEMPORAL_ADDRESS, uiPort, namespace: cfg.TEMPORAL_NAMESPACE }));
  await waitForTemporal(cfg.TEMPORAL_ADDRESS);
  const dist = path.resolve(__dirname, '..');
  run('worker', process.execPath, [path.join(dist, 'worker', 'main.js')], workerAllocatorEnv());
  run('api', process.execPath, [path.join(dist, 'api', 'main.js')]);

  const apiUrl = `http://localhost:${cfg.EXAMFLOW_API_PORT}`;
  console.log(`
  examflow is starting
    API            ${apiUrl}   (token: the one in EXAMFLOW_API_KEYS; development default "dev-token")
    Temporal UI    ${cfg.TEMPORAL_UI_URL}/namespaces/${cfg.TEMPORAL_NAMESPACE}/workflows
    Temporal gRPC  ${cfg.TEMPORAL_ADDRESS}
    Records        ${postgres ? `PostgreSQL, cluster ${postgres.dataDir} (pg_dump "${databaseUrl}")` : 'EXAMFLOW_DATABASE_URL'}
    Data           ${cfg.EXAMFLOW_DATA_DIR}
  Ctrl-C stops everything.
`);
}

main().catch((err: unknown) => {
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  void stop(1);
});
