import { NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { config } from '../lib/config';
import { configureLogger, logger } from '../lib/logger';
import { connectRecords } from '../lib/records-connection';
import { closeRecords } from '../records/database';
import { connectWhenUp } from '../lib/temporal/connect-when-up';
import { temporalConnectionOptions } from '../lib/temporal/temporal-connection';
import { installTemporalRuntime, workerMetricsAddress } from '../lib/temporal/temporal-runtime';
import { shutdownTracing, tracingPlugin } from '../lib/temporal/tracing';
import { createActivityDeps } from './activity-deps';
import { createExamWorkers } from './workers';

// The configuration is read here, once: the activities get their dependencies built from it.
// The Temporal runtime stops the workers on SIGINT/SIGTERM: they stop polling, let running
// activities finish within shutdownGraceTime, then run() resolves and we release the
// recognisers, the browser, the cache connection and the span buffer.
async function main(): Promise<void> {
  const cfg = config();
  configureLogger(cfg);
  // Before any connection: SDK logs through pino, Prometheus metrics when a port is set.
  installTemporalRuntime(cfg);
  // A plugin on the connection reaches every worker built from it (tracing is opt-in).
  const tracing = tracingPlugin(cfg);
  await connectRecords(cfg);
  const owned = createActivityDeps(cfg, { meter: Runtime.instance().metricMeter });
  const connection = await connectWhenUp(cfg.TEMPORAL_ADDRESS, () =>
    NativeConnection.connect({ ...temporalConnectionOptions(cfg), plugins: tracing ? [tracing] : [] }),
  );
  try {
    const workers = await createExamWorkers({ connection, cfg, activities: createActivities(owned.deps) });
    if (cfg.EXAMFLOW_OCR_PREWARM && cfg.EXAMFLOW_WORKER_ROLE !== 'default') {
      owned.ocr.prewarm().catch((err: unknown) => logger.warn({ err }, 'OCR prewarm failed; recognisers start on first use'));
    }
    logger.info(
      {
        role: cfg.EXAMFLOW_WORKER_ROLE,
        taskQueue: cfg.EXAMFLOW_TASK_QUEUE,
        ocrWorkers: cfg.EXAMFLOW_OCR_WORKERS,
        metrics: workerMetricsAddress(cfg) ?? 'off',
        tracing: !!tracing,
      },
      'examflow worker polling',
    );
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await Promise.allSettled([owned.close(), closeRecords(), shutdownTracing()]);
    await connection.close();
  }
  logger.info('examflow worker stopped');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'examflow worker failed');
  process.exit(1);
});
