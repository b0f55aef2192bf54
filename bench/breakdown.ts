import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { ActivityCost } from '../lib/temporal/activity-costs';

// Where an exam's time goes, from its workflow history and the worker's activity cost log
// (lib/temporal/activity-costs.ts): per step, how long its activities waited on the queue
// (scheduled → started), ran (started → closed) and how much of the worker's CPU they used,
// and how much of the exam's wall time no activity covered (workflow tasks, round trips).

export interface ActivitySpan {
  type: string;
  activityId: string;
  scheduledMs: number;
  startedMs: number;
  closedMs: number;
}

export interface ExamTimeline {
  workflowId: string;
  startMs: number;
  closeMs: number;
  activities: ActivitySpan[];
}

export interface StepRow {
  step: string;
  /** activities of this step per exam */
  count: number;
  /** the step's activities laid over each other: its share of the exam's clock */
  spanMs: number;
  waitMs: number;
  runMs: number;
  cpuMs: number;
}

export interface Breakdown {
  exams: number;
  wallMs: number;
  /** wall time with no activity scheduled or running */
  betweenMs: number;
  /** CPU of the worker attributed to the exam's activities */
  cpuMs: number;
  steps: StepRow[];
}

type Ts = { seconds?: unknown; nanos?: number | null } | null | undefined;
const tsMs = (t: Ts) => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN);

/** The activities of one workflow run, from its history. */
export async function examTimeline(client: Client, workflowId: string): Promise<ExamTimeline> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const scheduled = new Map<number, { type: string; activityId: string; at: number; startedAt?: number }>();
  const activities: ActivitySpan[] = [];
  for (const e of events) {
    const at = tsMs(e.eventTime);
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(Number(e.eventId), { type: s.activityType?.name ?? '?', activityId: s.activityId ?? '?', at });
    const started = e.activityTaskStartedEventAttributes;
    if (started) scheduled.get(Number(started.scheduledEventId))!.startedAt = at;
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    const of = closed ? scheduled.get(Number(closed.scheduledEventId)) : undefined;
    if (of)
      activities.push({
        type: of.type,
        activityId: of.activityId,
        scheduledMs: of.at,
        startedMs: of.startedAt ?? of.at,
        closedMs: at,
      });
  }
  return { workflowId, startMs: tsMs(events[0]?.eventTime), closeMs: tsMs(events.at(-1)?.eventTime), activities };
}

/** Activity costs by `workflowId/activityId`, summed over attempts; a missing file is empty. */
export function readCosts(file: string): Map<string, ActivityCost> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return new Map();
  }
  const out = new Map<string, ActivityCost>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const cost = JSON.parse(line) as ActivityCost;
    const key = `${cost.workflowId}/${cost.activityId}`;
    const known = out.get(key);
    out.set(key, known ? { ...cost, cpuMs: known.cpuMs + cost.cpuMs, wallMs: known.wallMs + cost.wallMs } : cost);
  }
  return out;
}

/** Total length of the union of intervals. */
export function unionMs(intervals: [number, number][]): number {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let [from, to] = [-Infinity, -Infinity];
  for (const [a, b] of sorted) {
    if (a > to) {
      if (to > from) total += to - from;
      [from, to] = [a, b];
    } else to = Math.max(to, b);
  }
  if (to > from) total += to - from;
  return total;
}

/** Means per exam over `timelines`, steps in the order they first ran. */
export function breakdown(timelines: ExamTimeline[], costs: Map<string, ActivityCost>): Breakdown {
  const n = Math.max(1, timelines.length);
  const rows = new Map<string, StepRow>();
  let wallMs = 0;
  let betweenMs = 0;
  let cpuMs = 0;
  for (const t of timelines) {
    wallMs += t.closeMs - t.startMs;
    betweenMs += t.closeMs - t.startMs - unionMs(t.activities.map((a) => [a.scheduledMs, a.closedMs]));
    const byType = new Map<string, ActivitySpan[]>();
    for (const a of [...t.activities].sort((x, y) => x.scheduledMs - y.scheduledMs)) byType.set(a.type, [...(byType.get(a.type) ?? []), a]);
    for (const [type, spans] of byType) {
      const row = rows.get(type) ?? { step: type, count: 0, spanMs: 0, waitMs: 0, runMs: 0, cpuMs: 0 };
      row.count += spans.length;
      row.spanMs += unionMs(spans.map((a) => [a.scheduledMs, a.closedMs]));
      for (const a of spans) {
        row.waitMs += a.startedMs - a.scheduledMs;
        row.runMs += a.closedMs - a.startedMs;
        const cpu = costs.get(`${t.workflowId}/${a.activityId}`)?.cpuMs ?? 0;
        row.cpuMs += cpu;
        cpuMs += cpu;
      }
      rows.set(type, row);
    }
  }
  const mean = (r: StepRow): StepRow => ({
    ...r,
    count: r.count / n,
    spanMs: r.spanMs / n,
    waitMs: r.waitMs / n,
    runMs: r.runMs / n,
    cpuMs: r.cpuMs / n,
  });
  const steps = [...rows.values()].map(mean);
  return { exams: timelines.length, wallMs: wallMs / n, betweenMs: betweenMs / n, cpuMs: cpuMs / n, steps };
}

const ms = (x: number) => x.toFixed(0);

/** A markdown table of a breakdown, the steps with the longest span first. */
export function breakdownTable(b: Breakdown): string {
  const head = [
    `Per exam, mean of ${b.exams}: ${ms(b.wallMs)} ms from start to close, ` +
      `of which ${ms(b.betweenMs)} ms with no activity scheduled or running` +
      ` (workflow tasks and round trips); worker CPU ${ms(b.cpuMs)} ms.`,
    '',
    '| step | activities | on the exam clock | waiting (scheduled → started) | running | worker CPU |',
    '|---|---|---|---|---|---|',
  ];
  const rows = [...b.steps]
    .sort((x, y) => y.spanMs - x.spanMs)
    .map((r) => `| ${r.step} | ${r.count.toFixed(1)} | ${ms(r.spanMs)} ms | ${ms(r.waitMs)} ms | ${ms(r.runMs)} ms | ${ms(r.cpuMs)} ms |`);
  return [...head, ...rows].join('\n');
}

/** Timelines of many workflows, a few at a time (history fetches are cheap but not free). */
export async function timelines(client: Client, ids: string[]): Promise<ExamTimeline[]> {
  const out: ExamTimeline[] = [];
  for (let i = 0; i < ids.length; i += 8) out.push(...(await Promise.all(ids.slice(i, i + 8).map((id) => examTimeline(client, id)))));
  return out;
}
