import type { MetricMeter } from '@temporalio/common';

// The tag cache's hit rate, measured where tagging runs: in the worker, through the Temporal
// runtime's metric meter, so the worker's Prometheus endpoint (EXAMFLOW_WORKER_METRICS_PORT)
// serves it beside the SDK's own metrics.

/** Counts every tag-cache lookup by result, and keeps this process's hit ratio. */
export function tagCacheMetrics(meter: MetricMeter): (hit: boolean) => void {
  const lookups = meter.createCounter('examflow_tag_cache_lookups', undefined, 'Tag cache lookups in this worker, by result (hit, miss)');
  const ratio = meter.createGauge('examflow_tag_cache_hit_ratio', 'float', undefined, 'Tag cache hits / lookups in this worker');
  let hits = 0;
  let total = 0;
  return (hit) => {
    total += 1;
    if (hit) hits += 1;
    lookups.add(1, { result: hit ? 'hit' : 'miss' });
    ratio.set(hits / total);
  };
}
