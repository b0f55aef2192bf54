import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Config } from '../config';
import { examLogFields, logger } from '../logger';

// The worker process's Temporal runtime, installed once before any connection: the SDK's
// and the core's log lines go to pino (with examId/workflowId/runId), and the worker
// runtime metrics are served in Prometheus format when EXAMFLOW_WORKER_METRICS_PORT is set.

const pinoLevels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** A Temporal Logger that writes through pino, keeping the SDK's meta as fields. */
function temporalLogger(): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) =>
    logger[pinoLevels[level]](examLogFields(meta as Record<string, unknown>), message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** Where the Prometheus exporter listens, or undefined when metrics are off. */
export function workerMetricsAddress(cfg: Config): string | undefined {
  return cfg.EXAMFLOW_WORKER_METRICS_PORT ? `0.0.0.0:${cfg.EXAMFLOW_WORKER_METRICS_PORT}` : undefined;
}

/**
 * Activity latency buckets in milliseconds. The runtime's defaults jump from 1 s to 5 s,
 * exactly where an OCR page takes its time (0.5–4 s), so its p95 could not be told apart.
 */
const activityLatencyBucketsMs = [
  50, 100, 250, 500, 750, 1_000, 1_500, 2_000, 3_000, 4_000, 5_000, 7_500, 10_000, 20_000, 30_000, 60_000, 120_000,
];

export function installTemporalRuntime(cfg: Config): Runtime {
  const bindAddress = workerMetricsAddress(cfg);
  return Runtime.install({
    logger: temporalLogger(),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
      ...(bindAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress,
                histogramBucketOverrides: {
                  temporal_activity_execution_latency: activityLatencyBucketsMs,
                  temporal_activity_schedule_to_start_latency: activityLatencyBucketsMs,
                },
              },
            },
          }
        : {}),
    },
  });
}
