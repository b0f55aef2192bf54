import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../lib/free-port';

// Debian's PostgreSQL for the production proof: a throwaway cluster in a temp folder, run
// as the `postgres` user (PostgreSQL refuses root) with `runuser`, listening on a free
// loopback port with password authentication, like compose's postgresql service.

export interface PostgresCluster {
  host: string;
  port: number;
  /** the admin login (compose's POSTGRES_USER) and its password */
  adminUser: string;
  adminPassword: string;
  dir: string;
  /** psql as the cluster's superuser over the unix socket */
  psql(sql: string, database?: string): string;
  /** pg_ctl stop -m fast, then the folder is removed */
  stop(): void;
}

export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const newest = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!newest) throw new Error("PostgreSQL is not installed: run `npm run setup` (Debian's postgresql package)");
  return path.join(root, newest, 'bin');
}

const asPostgres = (bin: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

export async function startPostgresCluster(adminUser = 'temporal', adminPassword = 'prod-test-admin-password'): Promise<PostgresCluster> {
  if (process.getuid?.() !== 0)
    throw new Error('the production test runs PostgreSQL as the postgres user with runuser: run it as root (as CI does)');
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'examflow-prod-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'socket');
  mkdirSync(socket);
  chownSync(socket, uid, gid);
  asPostgres(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-instructions',
  ]);
  const port = await freePort();
  const options = `-p ${port} -k ${socket} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB -c fsync=on`;
  asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
  const psql = (sql: string, database = 'postgres') =>
    asPostgres(path.join(bin, 'psql'), [
      '-h',
      socket,
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      database,
      '-v',
      'ON_ERROR_STOP=1',
      '-tAc',
      sql,
    ]);
  // compose's postgres image makes POSTGRES_USER a superuser with POSTGRES_PASSWORD.
  psql(`CREATE ROLE ${adminUser} LOGIN SUPERUSER PASSWORD '${adminPassword}'`);
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    adminUser,
    adminPassword,
    dir,
    psql,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
