import { sql } from 'kysely';
import { records } from './database';
import type { RecordedStatus } from './schema';
import { closedExamStatuses as closedStatuses } from '../domain/exam-states';

// Statistics from the rollups the trigger keeps (totals by status, closed exams per hour)
// and, for the processing-time percentiles, the newest completed exams of the window
// read from an index that holds their durations. Windows are whole hours: the current
// hour and the `windowHours - 1` before it.

const hourMs = 3_600_000;
const durationSample = 1000;

const rate = (completed: number, failed: number) =>
  completed + failed > 0 ? Math.round((1000 * completed) / (completed + failed)) / 10 : null;

export async function recordStatistics(scope: string | null, windowHours: number, now = new Date()) {
  const db = records();
  const currentHour = Math.floor(now.getTime() / hourMs) * hourMs;
  const windowStart = new Date(currentHour - (Math.ceil(windowHours) - 1) * hourMs);
  const trendStart = new Date(currentHour - 23 * hourMs);

  let totalsQ = db
    .selectFrom('exam_status_totals')
    .select(['status', (eb) => eb.fn.sum<string>('count').as('count')])
    .groupBy('status');
  let windowQ = db
    .selectFrom('exam_hourly')
    .select(['status', (eb) => eb.fn.sum<string>('count').as('count')])
    .where('hour', '>=', windowStart)
    .groupBy('status');
  let trendQ = db
    .selectFrom('exam_hourly')
    .select(['hour', 'status', (eb) => eb.fn.sum<string>('count').as('count')])
    .where('hour', '>=', trendStart)
    .groupBy(['hour', 'status']);
  // Mean and p95 over the newest completed exams of the window, computed in the database.
  let sampleQ = db
    .selectFrom('exams')
    .select('duration_ms')
    .where('status', '=', 'completed')
    .where('finished_at', '>=', windowStart)
    .orderBy('finished_at', 'desc')
    .limit(durationSample);
  if (scope !== null) {
    totalsQ = totalsQ.where('tenant_id', '=', scope);
    windowQ = windowQ.where('tenant_id', '=', scope);
    trendQ = trendQ.where('tenant_id', '=', scope);
    sampleQ = sampleQ.where('tenant_id', '=', scope);
  }
  const durationsQ = db
    .selectFrom(sampleQ.as('sample'))
    .select([
      (eb) => eb.fn.countAll<string>().as('sampled'),
      sql<number | null>`round(avg(duration_ms))`.as('average'),
      sql<string | null>`percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms)`.as('p95'),
    ]);
  const [totals, windowRows, trendRows, durations] = await Promise.all([
    totalsQ.execute(),
    windowQ.execute(),
    trendQ.execute(),
    durationsQ.executeTakeFirstOrThrow(),
  ]);

  const byStatus: Record<RecordedStatus, number> = { pending: 0, processing: 0, needs_review: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const t of totals) if (t.status in byStatus) byStatus[t.status] = Number(t.count);
  const isClosed = (status: string): status is (typeof closedStatuses)[number] => (closedStatuses as readonly string[]).includes(status);
  const window = { completed: 0, failed: 0, cancelled: 0 };
  for (const w of windowRows) if (isClosed(w.status)) window[w.status] += Number(w.count);
  const trend = new Map<number, { completed: number; failed: number; cancelled: number }>();
  for (let i = 0; i < 24; i++) trend.set(trendStart.getTime() + i * hourMs, { completed: 0, failed: 0, cancelled: 0 });
  for (const h of trendRows) {
    const bucket = trend.get(h.hour.getTime());
    if (bucket && isClosed(h.status)) bucket[h.status] += Number(h.count);
  }
  const sampled = Number(durations.sampled);
  const average = durations.average === null ? null : Number(durations.average);
  const p95 = durations.p95 === null ? null : Number(durations.p95);
  return {
    total: Object.values(byStatus).reduce((s, n) => s + n, 0),
    byStatus,
    successRate: rate(byStatus.completed, byStatus.failed),
    window: {
      hours: windowHours,
      ...window,
      successRate: rate(window.completed, window.failed),
      throughputPerMinute: Math.round((100 * window.completed) / (windowHours * 60)) / 100,
      processingMs: { average, p95, sampled },
    },
    hourlyTrend: [...trend.entries()].map(([at, c]) => ({ hour: new Date(at).toISOString(), ...c })),
    generatedAt: now.toISOString(),
  };
}
