import { openRecords } from '../records/database';
import type { Config } from './config';

/** Opens the records database of EXAMFLOW_DATABASE_URL (migrating it to the latest version). */
export async function connectRecords(cfg: Config): Promise<void> {
  const url = cfg.EXAMFLOW_DATABASE_URL ?? process.env.EXAMFLOW_DATABASE_URL;
  if (!url) {
    throw new Error(
      'EXAMFLOW_DATABASE_URL is not set: `npm start` runs a local PostgreSQL and passes its URL on; when running the API or a worker alone, point it at a PostgreSQL database',
    );
  }
  await openRecords(url, { poolSize: cfg.EXAMFLOW_DATABASE_POOL_SIZE });
}
