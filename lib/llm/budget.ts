import { Context } from '@temporalio/activity';
import type { ChatOptions } from './client';

// LLM calls inside an activity must end well before the activity's start-to-close timeout
// (workflows/policies.ts), so each activity gives its calls one overall budget, and the
// activity's cancellation aborts them.

/** Call options for LLM work that must finish within `budgetMs` from now. */
export function budgetOptions(budgetMs: number): ChatOptions {
  return { deadline: Date.now() + budgetMs, signal: activitySignal() };
}

function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not inside an activity (unit tests, scripts)
  }
}
