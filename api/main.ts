import { Client, Connection } from '@temporalio/client';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { createApp } from './app';

async function main(): Promise<void> {
  const cfg = config();
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const server = createApp(client).listen(cfg.EXAMFLOW_API_PORT, cfg.EXAMFLOW_API_HOST, () => {
    logger.info({ port: cfg.EXAMFLOW_API_PORT }, 'examflow API listening');
  });

  // Stop accepting, let in-flight requests finish, then drop the Temporal connection.
  const stop = (signal: string) => {
    logger.info({ signal }, 'examflow API stopping');
    server.close(() => void connection.close().then(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'examflow API failed to start');
  process.exit(1);
});
