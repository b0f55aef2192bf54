import type { Client } from '@temporalio/client';
import type { Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// The API's Prometheus metrics, served on GET /metrics. One registry per process (an app
// created twice, as tests do, reuses it). Worker metrics, the tag cache's among them (tagging
// runs there), come from the Temporal runtime instead (lib/temporal/temporal-runtime.ts).

const apiRegistry = new Registry();
collectDefaultMetrics({ register: apiRegistry });

const labelNames = ['method', 'route', 'status'] as const;
const requests = new Counter({
  name: 'examflow_http_requests_total',
  help: 'HTTP requests by route and status',
  labelNames,
  registers: [apiRegistry],
});
const latency = new Histogram({
  name: 'examflow_http_request_duration_seconds',
  help: 'HTTP request latency by route and status',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [apiRegistry],
});
const rejections = new Counter({
  name: 'examflow_admission_rejections_total',
  help: 'Requests refused with 429, by reason (too_many_exams_in_flight, rate_limited)',
  labelNames: ['reason'],
  registers: [apiRegistry],
});

/** Times every request; the route label is the router's pattern, never the raw path (bounded cardinality). */
export function httpMetrics(): Middleware {
  return async (ctx, next) => {
    const end = latency.startTimer();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      const labels = { method: ctx.method, route: matched ? String(matched) : 'unmatched', status: String(ctx.status) };
      end(labels);
      requests.inc(labels);
      if (ctx.status === 429) rejections.inc({ reason: (ctx.body as { error?: { code?: string } } | undefined)?.error?.code ?? 'unknown' });
    }
  };
}

// Exams by status come from one visibility count (GROUP BY ExecutionStatus), cached, so
// frequent scrapes cost one query; in flight = Running.
const examsTtlMs = 15_000;
let examsClient: Client | undefined;
let examsCache: { at: number; byStatus: Map<string, number> } | undefined;

async function examsByStatus(): Promise<Map<string, number> | undefined> {
  if (!examsClient) return undefined;
  if (!examsCache || Date.now() - examsCache.at > examsTtlMs) {
    try {
      const { groups } = await examsClient.workflow.count(`WorkflowType = 'examWorkflow' GROUP BY ExecutionStatus`);
      const byStatus = new Map<string, number>();
      for (const g of groups) byStatus.set(String(g.groupValues[0]).toLowerCase(), g.count);
      examsCache = { at: Date.now(), byStatus };
    } catch {
      // Temporal unreachable: keep the last values rather than fail the scrape
    }
  }
  return examsCache?.byStatus;
}

new Gauge({
  name: 'examflow_exams',
  help: 'Exams by Temporal execution status (visibility count, cached 15 s)',
  labelNames: ['status'],
  registers: [apiRegistry],
  async collect() {
    const byStatus = await examsByStatus();
    if (!byStatus) return;
    // A status no longer counted must disappear, not keep its last value for ever.
    this.reset();
    for (const [status, count] of byStatus) this.set({ status }, count);
  },
});

new Gauge({
  name: 'examflow_exams_in_flight',
  help: 'Exams running now (visibility count, cached 15 s)',
  registers: [apiRegistry],
  async collect() {
    const byStatus = await examsByStatus();
    if (byStatus) this.set(byStatus.get('running') ?? 0);
  },
});

/** GET /metrics in the Prometheus text format. */
export function metricsRoute(client: Client): Middleware {
  examsClient = client;
  return async (ctx) => {
    ctx.set('Content-Type', apiRegistry.contentType);
    ctx.body = await apiRegistry.metrics();
  };
}
