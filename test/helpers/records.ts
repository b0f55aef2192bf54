import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type PostgresServer } from '../../lib/postgres-server';
import { openRecords } from '../../records/database';

// One real PostgreSQL per test process (Debian's package, a fresh cluster in a temp
// folder), opened as the process's records database. Its URL goes into the environment,
// so API and worker processes a test spawns use the same database. Stopped when the
// process exits.

let started: Promise<PostgresServer> | undefined;

export function useTestRecords(): Promise<PostgresServer> {
  started ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'examflow-records-'));
    const server = await startPostgres(path.join(dir, 'cluster'));
    process.once('exit', () => {
      server.stopSync();
      rmSync(dir, { recursive: true, force: true });
    });
    process.env.EXAMFLOW_DATABASE_URL = server.url;
    await openRecords(server.url);
    return server;
  })();
  return started;
}
