import type { Client, CountWorkflowExecution } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import LRUCache from 'lru-cache';
import type { StatisticsResponse } from './schemas';
import { examQuery, examStatusOfExecution, type ExamFilter } from './visibility';

// GET /v1/exams/statistics, from visibility counts (GROUP BY ExecutionStatus) and the
// custom ExamStatus attribute; durations from a bounded sample of the newest completed exams.

const hourMs = 3_600_000;
const durationSample = 1000;

function closedCounts(result: CountWorkflowExecution) {
  const counts = { completed: 0, failed: 0, cancelled: 0, running: 0 };
  for (const group of result.groups) counts[examStatusOfExecution(String(group.groupValues[0]))] += group.count;
  return counts;
}

const rate = (completed: number, failed: number) => (completed + failed > 0 ? Math.round((1000 * completed) / (completed + failed)) / 10 : null);

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function processingTimes(client: Client, filter: ExamFilter): Promise<number[]> {
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: examQuery({ ...filter, status: 'completed' }),
    pageSize: durationSample,
  });
  return response.executions.map((e) => tsToMs(e.closeTime) - tsToMs(e.startTime)).sort((a, b) => a - b);
}

export async function examStatistics(client: Client, scope: string | null, windowHours: number, now = new Date()): Promise<StatisticsResponse> {
  const base: ExamFilter = { scope };
  const windowStart = new Date(now.getTime() - windowHours * hourMs);
  const currentHour = Math.floor(now.getTime() / hourMs) * hourMs;
  const hourStarts = Array.from({ length: 24 }, (_, i) => new Date(currentHour - (23 - i) * hourMs));
  const count = (filter: ExamFilter, groupBy = true) => client.workflow.count(`${examQuery(filter)}${groupBy ? ' GROUP BY ExecutionStatus' : ''}`);

  const [all, pending, processing, inWindow, durations, ...hours] = await Promise.all([
    count(base),
    count({ ...base, status: 'pending' }, false),
    count({ ...base, status: 'processing' }, false),
    count({ ...base, closedFrom: windowStart }),
    processingTimes(client, { ...base, closedFrom: windowStart }),
    ...hourStarts.map((from) => count({ ...base, closedFrom: from, closedTo: new Date(from.getTime() + hourMs) })),
  ]);

  const totals = closedCounts(all);
  const window = closedCounts(inWindow);
  const average = durations.length ? Math.round(durations.reduce((s, d) => s + d, 0) / durations.length) : null;
  return {
    total: all.count,
    byStatus: { pending: pending.count, processing: processing.count, completed: totals.completed, failed: totals.failed, cancelled: totals.cancelled },
    successRate: rate(totals.completed, totals.failed),
    window: {
      hours: windowHours,
      completed: window.completed,
      failed: window.failed,
      cancelled: window.cancelled,
      successRate: rate(window.completed, window.failed),
      throughputPerMinute: Math.round((100 * window.completed) / (windowHours * 60)) / 100,
      processingMs: { average, p95: percentile(durations, 95), sampled: durations.length },
    },
    hourlyTrend: hours.map((result, i) => {
      const c = closedCounts(result);
      return { hour: hourStarts[i]!.toISOString(), completed: c.completed, failed: c.failed, cancelled: c.cancelled };
    }),
    generatedAt: now.toISOString(),
  };
}

/**
 * Statistics cost ~30 visibility counts, which grow with the number of exams stored, while
 * dashboards ask every few seconds. Answers are shared for `freshMs`; a stale answer (up to
 * `staleMs`) is served at once while a new one is computed, so only the very first request
 * of a scope waits. `generatedAt` tells how old an answer is. At most `maxEntries` answers
 * (scope × window) are kept, the least recently used going first.
 */
export function cachedStatistics(client: Client, freshMs = 5_000, staleMs = 120_000, maxEntries = 256) {
  const cache = new LRUCache<string, { at: number; value: Promise<StatisticsResponse> }>({ max: maxEntries });
  const refresh = (key: string, scope: string | null, windowHours: number) => {
    const entry = { at: Date.now(), value: examStatistics(client, scope, windowHours) };
    cache.set(key, entry);
    entry.value.catch(() => cache.get(key) === entry && cache.delete(key)); // never cache a failure
    return entry.value;
  };
  return (scope: string | null, windowHours: number): Promise<StatisticsResponse> => {
    const key = `${scope ?? '*'}|${windowHours}`;
    const entry = cache.get(key);
    const age = entry ? Date.now() - entry.at : Infinity;
    if (entry && age < freshMs) return entry.value;
    if (entry && age < staleMs) {
      const stale = entry.value;
      void refresh(key, scope, windowHours).catch(() => undefined);
      return stale;
    }
    return refresh(key, scope, windowHours);
  };
}
