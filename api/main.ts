import { Client, Connection } from '@temporalio/client';
import { config } from '../lib/config';
import { pdfChromium } from '../lib/documents/browser';
import { configureLogger, logger } from '../lib/logger';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { connectRecords } from '../lib/records-connection';
import { applyHistoryRetention, ensurePurgeSchedule } from '../lib/artifacts/retention';
import { closeRecords } from '../records/database';
import { connectWhenUp } from '../lib/temporal/connect-when-up';
import { temporalConnectionOptions } from '../lib/temporal/temporal-connection';
import { shutdownTracing, tracingPlugin } from '../lib/temporal/tracing';
import { closeSheetCodePool } from './exams/sheet-code-pool';
import { createApp } from './app';
import { apiServer } from './http/http-server';
import { closeEventStreams } from './exams/events';
import { queueStatus } from './exams/queue';

async function main(): Promise<void> {
  const cfg = config();
  configureLogger(cfg);
  // Tracing (off unless EXAMFLOW_OTEL_ENDPOINT is set): the client interceptor starts the
  // trace that the workflow and its activities continue.
  const tracing = tracingPlugin(cfg);
  const connection = await connectWhenUp(cfg.TEMPORAL_ADDRESS, () => Connection.connect(temporalConnectionOptions(cfg)));
  const client = new Client({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    dataConverter: examflowDataConverter(cfg),
    plugins: tracing ? [tracing] : [],
  });
  await connectRecords(cfg);
  await applyHistoryRetention(client, cfg);
  await ensurePurgeSchedule(client, cfg);
  // Answer-sheet PDFs: launched on the first request for one.
  const chromium = pdfChromium(cfg);
  const server = apiServer(createApp(client, cfg, chromium), cfg).listen(cfg.EXAMFLOW_API_PORT, cfg.EXAMFLOW_API_HOST, () => {
    logger.info({ port: cfg.EXAMFLOW_API_PORT }, 'examflow API listening');
  });

  // The queue maxima ("highest backlog since start") need samples between /v1/queue calls.
  const sampler = setInterval(() => void queueStatus({ client, cfg }, null).catch(() => undefined), 10_000);
  sampler.unref();

  // Stop accepting, end the event streams, let in-flight requests finish, then drop the
  // Temporal connection.
  const stop = (signal: string) => {
    logger.info({ signal }, 'examflow API stopping');
    clearInterval(sampler);
    closeEventStreams();
    server.close(
      () =>
        void Promise.allSettled([connection.close(), closeRecords(), shutdownTracing(), closeSheetCodePool(), chromium.close()]).then(() =>
          process.exit(0),
        ),
    );
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
