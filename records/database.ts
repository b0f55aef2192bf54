import { inspect } from 'node:util';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { migrations } from './migrations';
import type { Database } from './schema';

// The process-wide connection to the system of record. api/main, worker/main and the
// tests open it once with the URL they were given; the migrations run on every open
// (Kysely's migrator takes a lock, so the API and the workers may start together).

let db: Kysely<Database> | undefined;

/** A database that is not reachable yet (starting, restarting) is waited for this long. */
const WAIT_FOR_DATABASE_MS = 120_000;

/**
 * Connects and migrates. A database that is not reachable yet is waited for, so a worker
 * restarted during a database restart comes up.
 */
export async function openRecords(url: string, options: { poolSize?: number } = {}): Promise<Kysely<Database>> {
  if (db) return db;
  const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5_000, allowExitOnIdle: true });
  // An idle connection the server dropped (restart, kill) must not crash the process.
  pool.on('error', () => undefined);
  const opened = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const migrator = new Migrator({ db: opened, provider: { getMigrations: async () => migrations } });
  const deadline = Date.now() + WAIT_FOR_DATABASE_MS;
  for (;;) {
    const { error } = await migrator.migrateToLatest();
    if (!error) break;
    if (isDatabaseUnavailable(error) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      continue;
    }
    await opened.destroy();
    throw new Error(`database migrations failed: ${error instanceof Error ? error.message : inspect(error)}`, { cause: error });
  }
  db = opened;
  return db;
}

/** The open database; openRecords must have run first in this process. */
export function records(): Kysely<Database> {
  if (!db) throw new Error('the records database is not open: the process must call openRecords(EXAMFLOW_DATABASE_URL) at start');
  return db;
}

export async function closeRecords(): Promise<void> {
  const open = db;
  db = undefined;
  await open?.destroy();
}

/** Connection-level failures (server down, restarting, socket gone): the caller may answer 503 or retry. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (!e) return false;
  if (
    e.code &&
    [
      'ECONNREFUSED',
      'ENOENT',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      '57P01',
      '57P02',
      '57P03',
      '08000',
      '08003',
      '08006',
      '08001',
      '08004',
    ].includes(e.code)
  )
    return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}
