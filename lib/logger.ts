import pino from 'pino';
import type { Config } from './config';

// Structured JSON logs, one line per event. Every line about an exam carries examId,
// workflowId and runId, so one exam's story can be filtered out of all services' logs:
// activities log through the SDK's logger (`log` from @temporalio/activity), whose lines carry
// the workflow's ids and reach pino through temporalLogger (lib/temporal/temporal-runtime.ts).

// Nothing is read at import: each process's main names its service and sets the level from the
// configuration it read (configureLogger); until then lines go out at info, unnamed.
export const logger = pino({ base: null });

export function configureLogger(cfg: Pick<Config, 'LOG_LEVEL' | 'EXAMFLOW_SERVICE'>): void {
  logger.level = cfg.LOG_LEVEL;
  logger.setBindings({ service: cfg.EXAMFLOW_SERVICE });
}

/**
 * The SDK's log meta in examflow's words: the exam's id is its workflow's id, and an
 * activity's `workflowRunId` is the run id.
 */
export function examLogFields(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!meta) return {};
  const { workflowRunId, ...rest } = meta;
  const out: Record<string, unknown> = workflowRunId !== undefined && rest.runId === undefined ? { ...rest, runId: workflowRunId } : rest;
  return typeof out.workflowId === 'string' && out.examId === undefined ? { examId: out.workflowId, ...out } : out;
}
