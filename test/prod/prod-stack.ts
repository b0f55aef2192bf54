import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { workerAllocatorEnv } from '../../lib/allocator';
import { terminate } from '../../lib/child-process';
import { freePort } from '../../lib/free-port';
import { waitForTemporal } from '../../lib/temporal/temporal-cli';
import { apiReady, type LocalStack } from '../../scripts/local-stack';
import { startRedis } from '../helpers/redis-server';
import { startS3, type S3Server } from '../helpers/s3-server';
import { startPostgresCluster } from './postgres-cluster';
import { prodTools } from './prod-tools';

// docker-compose.yml's topology as processes on loopback, from the binaries its images
// carry: PostgreSQL (Temporal persistence + visibility, and examflow's own database), the
// schema job, temporal-server with deploy/temporal's config and dynamic config, the
// namespace job, an S3-compatible store, Redis, two OCR workers and one default worker as
// separate processes (versioned with the package version as build id), the rollout job
// that makes that version current, and the API. The jobs are the very scripts compose runs.
// It has LocalStack's shape, so the chaos run drives it unchanged: `worker` is the next
// worker to kill, and startWorker() restarts it and moves on to the next (default, ocr-1, ocr-2).

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const dist = path.resolve(__dirname, '../..');

export interface ProdStack extends LocalStack {
  /** the cluster's admin connection, for backups (PGHOST, PGPORT, PGUSER, PGPASSWORD) */
  libpq: Record<string, string>;
  /** every worker process by name, as now running */
  workers: Map<string, ChildProcess>;
  /** the Prometheus endpoint of the Temporal server */
  serverMetricsUrl: string;
}

export interface ProdStackOptions {
  /** an object store that outlives the stack (the restore rehearsal keeps the artifacts) */
  s3?: S3Server;
  /** a backup folder (deploy/backup/backup.sh) restored with deploy/backup/restore.sh into the fresh cluster first */
  restoreFrom?: string;
}

export async function startProdStack(dataDir: string, env: NodeJS.ProcessEnv, options: ProdStackOptions = {}): Promise<ProdStack> {
  const tools = prodTools();
  mkdirSync(dataDir, { recursive: true });
  const log = createWriteStream(path.join(dataDir, 'processes.log'));
  const started: ChildProcess[] = [];
  const spawnLogged = (name: string, command: string, args: string[], childEnv: NodeJS.ProcessEnv) => {
    const child = spawn(command, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => log.write(`[${name}] ${d.toString()}`));
    child.stderr.on('data', (d: Buffer) => log.write(`[${name}] ${d.toString()}`));
    started.push(child);
    return child;
  };
  const job = async (name: string, script: string, jobEnv: NodeJS.ProcessEnv, args: string[] = []) => {
    try {
      const shell = script.startsWith('deploy/backup/') ? 'bash' : 'sh';
      const { stdout, stderr } = await run(shell, [path.join(root, script), ...args], { env: { ...process.env, ...jobEnv } });
      log.write(`[${name}] ${stdout}${stderr}`);
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${name} (${script}) failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
    }
  };

  const pg = await startPostgresCluster();
  const cleanups: (() => Promise<void> | void)[] = [() => pg.stop()];
  try {
    const db = { POSTGRES_SEEDS: pg.host, DB_PORT: String(pg.port), POSTGRES_USER: pg.adminUser, POSTGRES_PWD: pg.adminPassword };
    const libpq = { PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.adminUser, PGPASSWORD: pg.adminPassword };
    if (options.restoreFrom) await job('restore', 'deploy/backup/restore.sh', { ...libpq }, [options.restoreFrom]);
    await job('temporal-schema', 'deploy/temporal/setup-schema.sh', {
      ...db,
      TEMPORAL_SQL_TOOL: tools.sqlTool,
      SCHEMA_DIR: tools.schemaDir,
    });
    const examflowDbPassword = 'prod-test-examflow-db-password';
    await job('examflow-db-init', 'deploy/postgres/create-examflow-db.sh', { ...libpq, EXAMFLOW_DB_PASSWORD: examflowDbPassword });

    // Every port the server opens, fixed for the stack's life so a restarted server rejoins as
    // itself, and below 32768: Temporal stores membership ports as SQL smallint.
    const ports = Object.fromEntries(
      await Promise.all(
        [
          'FRONTEND_GRPC_PORT',
          'FRONTEND_HTTP_PORT',
          'FRONTEND_MEMBERSHIP_PORT',
          'MATCHING_GRPC_PORT',
          'MATCHING_MEMBERSHIP_PORT',
          'HISTORY_GRPC_PORT',
          'HISTORY_MEMBERSHIP_PORT',
          'WORKER_GRPC_PORT',
          'WORKER_MEMBERSHIP_PORT',
          'METRICS',
        ].map(async (k) => [k, String(await freePortBelow32768())] as const),
      ),
    );
    const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
    const serverEnv = {
      ...process.env,
      ...db,
      ...ports,
      BIND_ON_IP: '127.0.0.1',
      NUM_HISTORY_SHARDS: '4',
      LOG_LEVEL: 'warn',
      PROMETHEUS_ENDPOINT: `127.0.0.1:${ports.METRICS}`,
      DYNAMIC_CONFIG_FILE_PATH: path.join(root, 'deploy/temporal/dynamicconfig/production.yaml'),
    };
    const retentionDays = env.EXAMFLOW_HISTORY_RETENTION_DAYS ?? '7';

    const s3 = options.s3 ?? (await startS3('examflow'));
    if (!options.s3) cleanups.push(() => s3.stop());
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const apiPort = await freePort();
    const buildId = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const appEnv: NodeJS.ProcessEnv = {
      ...env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      EXAMFLOW_TASK_QUEUE: 'examflow',
      EXAMFLOW_DATA_DIR: dataDir,
      EXAMFLOW_ARTIFACT_STORE: 's3',
      EXAMFLOW_S3_ENDPOINT: s3.endpoint,
      EXAMFLOW_S3_BUCKET: s3.bucket,
      EXAMFLOW_S3_ACCESS_KEY_ID: s3.accessKeyId,
      EXAMFLOW_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      EXAMFLOW_S3_FORCE_PATH_STYLE: 'true',
      EXAMFLOW_TAG_CACHE: 'redis',
      EXAMFLOW_REDIS_URL: redis.url,
      // examflow's own database and login (records, issue 12), as compose passes it.
      EXAMFLOW_DATABASE_URL: `postgresql://examflow:${examflowDbPassword}@${pg.host}:${pg.port}/examflow`,
      EXAMFLOW_HISTORY_RETENTION_DAYS: retentionDays,
      // Worker Versioning as in the image: the build id is the package version (the image tag).
      EXAMFLOW_BUILD_ID: buildId,
      EXAMFLOW_API_HOST: '127.0.0.1',
      EXAMFLOW_API_PORT: String(apiPort),
    };
    const workerSpecs: [string, NodeJS.ProcessEnv][] = [
      ['worker-default', { EXAMFLOW_WORKER_ROLE: 'default', EXAMFLOW_ACTIVITY_CONCURRENCY: '4' }],
      ['worker-ocr-1', { EXAMFLOW_WORKER_ROLE: 'ocr', EXAMFLOW_OCR_WORKERS: '1' }],
      ['worker-ocr-2', { EXAMFLOW_WORKER_ROLE: 'ocr', EXAMFLOW_OCR_WORKERS: '1' }],
    ];
    // Every worker process ever started: stop() ends any still running, even one no name maps to any more.
    const everyWorker: ChildProcess[] = [];
    const startWorkerNamed = (name: string) => {
      const spec = workerSpecs.find(([n]) => n === name)![1];
      const child = spawnLogged(name, process.execPath, [path.join(dist, 'worker', 'main.js')], {
        ...appEnv,
        ...workerAllocatorEnv(appEnv),
        ...spec,
        EXAMFLOW_SERVICE: name,
      });
      stack.workers.set(name, child);
      everyWorker.push(child);
      return child;
    };
    let victim = 0;

    const stack: ProdStack = {
      address,
      libpq,
      databaseUrl: appEnv.EXAMFLOW_DATABASE_URL!,
      baseUrl: `http://127.0.0.1:${apiPort}`,
      serverMetricsUrl: `http://127.0.0.1:${ports.METRICS}/metrics`,
      server: undefined as unknown as ChildProcess,
      worker: null,
      api: undefined as unknown as ChildProcess,
      workers: new Map(),
      extraWorkers: [],
      async startServer() {
        stack.server = spawnLogged(
          'temporal-server',
          tools.server,
          ['--root', path.join(root, 'deploy/temporal'), '--config', 'config', '--env', 'docker', '--allow-no-auth', 'start'],
          serverEnv,
        );
        await waitForTemporal(address);
      },
      startWorker() {
        const name = workerSpecs[victim]![0];
        startWorkerNamed(name);
        victim = (victim + 1) % workerSpecs.length;
        stack.worker = stack.workers.get(workerSpecs[victim]![0])!;
      },
      addWorker() {
        const name = `worker-default-${stack.extraWorkers.length + 2}`;
        workerSpecs.push([name, workerSpecs[0]![1]]);
        const child = startWorkerNamed(name);
        stack.extraWorkers.push(child);
        return child;
      },
      async stop() {
        await Promise.all([...everyWorker, stack.api].map((c) => terminate(c, 25_000)));
        await terminate(stack.server, 15_000);
        for (const cleanup of cleanups.reverse()) await cleanup();
        log.end();
      },
      kill() {
        for (const child of started) child.kill('SIGKILL');
        for (const cleanup of cleanups.reverse()) void cleanup();
      },
    };

    await stack.startServer();
    await job('temporal-setup', 'deploy/temporal/setup-namespace.sh', {
      TEMPORAL_CLI: tools.temporalCli,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      EXAMFLOW_HISTORY_RETENTION_DAYS: retentionDays,
    });
    for (const [name] of workerSpecs) startWorkerNamed(name);
    stack.worker = stack.workers.get(workerSpecs[0]![0])!;
    // The rollout step: the new build's version becomes current once all its queues are polled.
    await job('worker-rollout', 'deploy/temporal/set-current-version.sh', {
      TEMPORAL_CLI: tools.temporalCli,
      TEMPORAL_ADDRESS: address,
      EXAMFLOW_BUILD_ID: buildId,
    });
    stack.api = spawnLogged('api', process.execPath, [path.join(dist, 'api', 'main.js')], { ...appEnv, EXAMFLOW_SERVICE: 'api' });
    if (!(await apiReady(stack.baseUrl))) throw new Error(`the API did not become ready; see ${path.join(dataDir, 'processes.log')}`);
    return stack;
  } catch (err) {
    for (const child of started) child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    throw err;
  }
}

/** A free loopback port in 20000–32767 (the OS's own picks are above 32767). */
async function freePortBelow32768(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
