import type { ChatOptions } from './client';

// LLM calls inside an activity must end well before the activity's start-to-close timeout
// (workflows/policies.ts), so each activity gives its calls one overall budget, and the
// activity's cancellation (`signal`) aborts them.

/** Call options for LLM work that must finish within `budgetMs` from now. */
export function budgetOptions(budgetMs: number, signal?: AbortSignal): ChatOptions {
  return { deadline: Date.now() + budgetMs, signal };
}
