import { records } from './database';
import type { RecordedStatus } from './schema';

// Statistics from the rollups the trigger keeps (totals by status, closed exams per hour)
// and, for the processing-time percentiles, the newest completed exams of the window
// read from an index that holds their durations. Windows are whole hours: the current
// hour and the `windowHours - 1` before it.

const hourMs = 3_600_000;
const durationSample = 1000;
const closedStatuses = ['completed', 'failed', 'cancelled'] as const;

const rate = (completed: number, failed: number) => (completed + failed > 0 ? Math.round((1000 * completed) / (completed + failed)) / 10 : null);

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function recordStatistics(scope: string | null, windowHours: number, now = new Date()) {
  const db = records();
  const currentHour = Math.floor(now.getTime() / hourMs) * hourMs;
  const windowStart = new Date(currentHour - (Math.ceil(windowHours) - 1) * hourMs);
  const trendStart = new Date(currentHour - 23 * hourMs);
  const hourlyFrom = windowStart < trendStart ? windowStart : trendStart;

  let totalsQ = db.selectFrom('exam_status_totals').select(['status', (eb) => eb.fn.sum<string>('count').as('count')]).groupBy('status');
  let hourlyQ = db
    .selectFrom('exam_hourly')
    .select(['hour', 'status', (eb) => eb.fn.sum<string>('count').as('count')])
    .where('hour', '>=', hourlyFrom)
    .groupBy(['hour', 'status']);
  let durationsQ = db
    .selectFrom('exams')
    .select('duration_ms')
    .where('status', '=', 'completed')
    .where('finished_at', '>=', windowStart)
    .orderBy('finished_at', 'desc')
    .limit(durationSample);
  if (scope !== null) {
    totalsQ = totalsQ.where('tenant_id', '=', scope);
    hourlyQ = hourlyQ.where('tenant_id', '=', scope);
    durationsQ = durationsQ.where('tenant_id', '=', scope);
  }
  const [totals, hourly, durationRows] = await Promise.all([totalsQ.execute(), hourlyQ.execute(), durationsQ.execute()]);

  const byStatus: Record<RecordedStatus, number> = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const t of totals) if (t.status in byStatus) byStatus[t.status] = Number(t.count);
  const window = { completed: 0, failed: 0, cancelled: 0 };
  const trend = new Map<number, { completed: number; failed: number; cancelled: number }>();
  for (let i = 0; i < 24; i++) trend.set(trendStart.getTime() + i * hourMs, { completed: 0, failed: 0, cancelled: 0 });
  for (const h of hourly) {
    const status = h.status as (typeof closedStatuses)[number];
    if (!closedStatuses.includes(status)) continue;
    const at = h.hour.getTime();
    if (at >= windowStart.getTime()) window[status] += Number(h.count);
    const bucket = trend.get(at);
    if (bucket) bucket[status] += Number(h.count);
  }
  const durations = durationRows.map((r) => Number(r.duration_ms)).sort((a, b) => a - b);
  const average = durations.length ? Math.round(durations.reduce((s, d) => s + d, 0) / durations.length) : null;
  return {
    total: Object.values(byStatus).reduce((s, n) => s + n, 0),
    byStatus,
    successRate: rate(byStatus.completed, byStatus.failed),
    window: {
      hours: windowHours,
      ...window,
      successRate: rate(window.completed, window.failed),
      throughputPerMinute: Math.round((100 * window.completed) / (windowHours * 60)) / 100,
      processingMs: { average, p95: percentile(durations, 95), sampled: durations.length },
    },
    hourlyTrend: [...trend.entries()].map(([at, c]) => ({ hour: new Date(at).toISOString(), ...c })),
    generatedAt: now.toISOString(),
  };
}
