import { Context } from '@temporalio/activity';
import pino from 'pino';
import { config } from './config';

// Structured JSON logs, one line per event. Every line about an exam carries examId,
// workflowId and runId, so one exam's story can be filtered out of all services' logs:
// lines written inside an activity get them from the activity context (the mixin), and
// the SDK's own workflow/activity lines get them through temporalLogger (lib/temporal/temporal-runtime.ts).

/** The ids of the exam the current activity works on, or nothing outside an activity. */
function activityIds(): Record<string, string> {
  try {
    const execution = Context.current().info.workflowExecution;
    return execution ? { examId: execution.workflowId, workflowId: execution.workflowId, runId: execution.runId } : {};
  } catch {
    return {}; // not inside an activity
  }
}

export const logger = pino({ level: config().LOG_LEVEL, base: { service: config().EXAMFLOW_SERVICE }, mixin: activityIds });

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
