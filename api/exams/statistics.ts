import LRUCache from 'lru-cache';
import { recordStatistics } from '../../records/exam-statistics';
import type { StatisticsResponse } from '../schemas';

// GET /v1/exams/statistics, from the records database (records/exam-statistics.ts): the
// same answer whether or not Temporal still holds the exams' histories.

export type ComputeStatistics = (scope: string | null, windowHours: number) => Promise<StatisticsResponse>;

/**
 * Dashboards ask every few seconds. Answers are shared for `freshMs`; a stale answer (up
 * to `staleMs`) is served at once while a new one is computed, so only the very first
 * request of a scope waits. `generatedAt` tells how old an answer is. At most `maxEntries`
 * answers (scope × window) are kept, the least recently used going first.
 */
export function cachedStatistics(compute: ComputeStatistics = recordStatistics, freshMs = 2_000, staleMs = 30_000, maxEntries = 256) {
  const cache = new LRUCache<string, { at: number; value: Promise<StatisticsResponse> }>({ max: maxEntries });
  const refresh = (key: string, scope: string | null, windowHours: number) => {
    const entry = { at: Date.now(), value: compute(scope, windowHours) };
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
