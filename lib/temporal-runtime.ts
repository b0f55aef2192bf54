import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Config } from './config';
import { examLogFields, logger } from './logger';

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
export function temporalLogger(): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => logger[pinoLevels[level]](examLogFields(meta as Record<string, unknown>), message);
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

export function installTemporalRuntime(cfg: Config): Runtime {
  const bindAddress = workerMetricsAddress(cfg);
  return Runtime.install({
    logger: temporalLogger(),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
      ...(bindAddress ? { metrics: { prometheus: { bindAddress } } } : {}),
    },
  });
}
