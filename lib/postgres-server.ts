import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning } from './child-process';

// The embedded PostgreSQL of `npm start` and the tests: Debian's `postgresql` package
// (scripts/setup.sh installs it), one cluster in a folder, reached only through a unix
// socket in a private folder (no TCP port, so trust authentication reaches no one else).
// PostgreSQL refuses to run as root: when we are root, initdb and the server run as the
// `postgres` user the package creates (as `runuser -u postgres` would), owning the cluster.

export interface PostgresServer {
  /** postgresql://… for the `examflow` database, over the unix socket */
  url: string;
  dataDir: string;
  socketDir: string;
  process: ChildProcess;
  /** starts the server again on the same cluster and socket (after a crash or a kill) */
  restart(): Promise<void>;
  /** fast shutdown: open sessions are ended, the cluster is left consistent */
  stop(): Promise<void>;
  /** for 'exit' handlers: stop and wait, synchronously */
  stopSync(): void;
}

const port = 5432; // names the socket file only; the server opens no TCP port
const database = 'examflow';

/** `/usr/lib/postgresql/<newest version>/bin`, where Debian puts the server binaries. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(path.join(root, v, 'bin', 'postgres')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(
      "PostgreSQL is not installed: run `npm run setup` (it installs Debian's postgresql package) or set EXAMFLOW_DATABASE_URL",
    );
  return path.join(root, newest, 'bin');
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** The postgres user when we are root (PostgreSQL refuses root), else ourselves. */
function serverUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error("running as root needs the `postgres` user that Debian's postgresql package creates: run `npm run setup`");
  }
}

function ownFolder(dir: string, user: RunAs): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  chmodSync(dir, 0o700);
}

/**
 * The server user must be able to walk down to the cluster. The data folder itself (often
 * a private temp folder) gets the bare search bit for others, nothing more; any other
 * folder in the way is named in the error.
 */
function checkReachable(dir: string, user: RunAs): void {
  if (user.uid === undefined) return;
  const parent = path.dirname(dir);
  const parentStat = statSync(parent);
  if (parentStat.uid === process.getuid?.() && (parentStat.mode & 0o001) === 0) chmodSync(parent, (parentStat.mode & 0o7777) | 0o001);
  for (let d = parent; d !== path.dirname(d); d = path.dirname(d)) {
    const s = statSync(d);
    const others = (s.mode & 0o001) !== 0;
    const owner = s.uid === user.uid && (s.mode & 0o100) !== 0;
    if (!others && !owner) throw new Error(`the postgres user cannot enter ${d}: chmod o+x ${d}, or set EXAMFLOW_DATABASE_URL`);
  }
}

/**
 * Starts the cluster in `dataDir`, creating it on first use (initdb takes under a second),
 * and makes sure the `examflow` database exists. The socket lives in a fresh private
 * folder under the system's temp folder (a socket path must stay short).
 */
export async function startPostgres(dataDir: string, options: { log?: (line: string) => void } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = serverUser();
  const dataParent = path.dirname(path.resolve(dataDir));
  mkdirSync(dataParent, { recursive: true });
  checkReachable(path.resolve(dataDir), user);
  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'examflow-pg-'));
  ownFolder(socketDir, user);

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    ownFolder(dataDir, user);
    const init = spawnSync(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions'],
      {
        ...user,
        encoding: 'utf8',
      },
    );
    if (init.status !== 0) throw new Error(`initdb failed in ${dataDir}:\n${init.stderr || init.stdout}`);
  }

  const server: PostgresServer = {
    url: `postgresql://postgres@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`,
    dataDir,
    socketDir,
    process: undefined as unknown as ChildProcess,
    async restart() {
      server.process = await launch(bin, dataDir, socketDir, user, options.log);
    },
    async stop() {
      const child = server.process;
      if (isRunning(child)) {
        const exited = new Promise((r) => child.once('exit', r));
        child.ref(); // keep this process alive until the server has gone
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(socketDir, { recursive: true, force: true });
    },
    stopSync() {
      const child = server.process;
      if (isRunning(child) && child.pid) {
        child.kill('SIGINT');
        // postgres removes its pid file last; wait for it (bounded) without an event loop
        spawnSync('sh', ['-c', `for i in $(seq 100); do kill -0 ${child.pid} 2>/dev/null || exit 0; sleep 0.05; done`]);
      }
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
  await server.restart();
  await createDatabase(bin, socketDir, user);
  return server;
}

async function launch(bin: string, dataDir: string, socketDir: string, user: RunAs, log?: (line: string) => void): Promise<ChildProcess> {
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=',
    '-c',
    'max_connections=200',
    '-c',
    'shared_buffers=128MB',
  ];
  // A killed server's backends take a moment to notice and exit: retry the start meanwhile.
  for (let attempt = 0; ; attempt++) {
    const child = spawn(path.join(bin, 'postgres'), args, { ...user, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const ready = await new Promise<boolean>((resolve) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        log?.(d.toString());
        if (output.includes('ready to accept connections')) resolve(true);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', () => resolve(false));
      setTimeout(() => resolve(false), 30_000).unref();
    });
    if (ready) {
      // The server must never keep its parent alive; the parent stops it explicitly.
      child.unref();
      for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
      return child;
    }
    child.kill('SIGKILL');
    if (attempt >= 20) throw new Error(`PostgreSQL did not start on ${dataDir}:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** CREATE DATABASE examflow once; psql over the socket, as the server user. */
async function createDatabase(bin: string, socketDir: string, user: RunAs): Promise<void> {
  const psql = (sql: string) =>
    spawnSync(path.join(bin, 'psql'), ['-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-tAc', sql], {
      ...user,
      encoding: 'utf8',
    });
  const exists = psql(`SELECT 1 FROM pg_database WHERE datname = '${database}'`);
  if (exists.status !== 0) throw new Error(`cannot reach the local PostgreSQL: ${exists.stderr}`);
  if (exists.stdout.trim() === '1') return;
  const created = psql(`CREATE DATABASE ${database}`);
  if (created.status !== 0) throw new Error(`cannot create the ${database} database: ${created.stderr}`);
}
