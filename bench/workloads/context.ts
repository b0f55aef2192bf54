import type { Client } from '@temporalio/client';
import type { ExamflowClient } from '../../client/examflow-client';
import type { Template } from '../../domain/template';
import type { LocalStack } from '../../scripts/local-stack';
import { breakdown, breakdownTable, readCosts, timelines } from '../breakdown';
import { stackCpu, stackCpuLine } from '../stack-cpu';
import { waitForAll } from '../wait-all';

// What every workload of bench/run.ts gets, and what it gives back: a section of
// bench/RESULTS.md and its rows in the targets table.

export interface Counts {
  ocrPages: number;
  e2e1: number;
  e2e4: number;
  heldOut: number;
  sheets: number;
  students: number;
  spreadExams: number;
  sustainedS: number;
  intake: number;
  intakeC: number;
  intakeWide: number;
  stored: number;
  storedLarge: number;
  reads: number;
}

export interface BenchContext {
  quick: boolean;
  counts: Counts;
  ocrWorkers: number;
  stack: LocalStack;
  temporal: Client;
  examflow: ExamflowClient;
  templates: { en: Template; science: Template; zh: Template };
  /** the worker's activity cost log (lib/temporal/activity-costs.ts) */
  costsFile: string;
  /** ids of completed exams, for the reads */
  completedIds: string[];
  log(msg: string): void;
}

export interface TargetRow {
  target: string;
  figure: string;
  met: boolean | null;
}

export interface WorkloadResult {
  markdown: string;
  targets: TargetRow[];
}

/** Wall seconds of `run`. */
export async function seconds(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return (performance.now() - t) / 1000;
}

export const cpuMsSince = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** Submits every exam at once, waits for all: wall seconds, and the markdown breakdown of those exams. */
export async function pipelineRun(
  ctx: BenchContext,
  exams: { templateId?: string; pages: Buffer[] }[],
): Promise<{ s: number; failed: number; breakdown: string }> {
  const cpuBefore = stackCpu(ctx.stack);
  const t = performance.now();
  const ids = await Promise.all(exams.map((e) => ctx.examflow.submitExam(e).then((r) => r.examId)));
  const finals = await waitForAll(ctx.examflow, ids, 20 * 60_000);
  const s = (performance.now() - t) / 1000;
  const cpu = stackCpuLine(
    cpuBefore,
    stackCpu(ctx.stack),
    s,
    exams.reduce((n, e) => n + e.pages.length, 0),
  );
  const done = ids.filter((id) => finals.get(id) === 'completed');
  ctx.completedIds.push(...done);
  return { s, failed: ids.length - done.length, breakdown: `${cpu}\n\n${await breakdownOf(ctx, ids)}` };
}

export async function breakdownOf(ctx: BenchContext, ids: string[]): Promise<string> {
  await new Promise((r) => setTimeout(r, 300)); // the last cost lines reach the file
  return breakdownTable(breakdown(await timelines(ctx.temporal, ids), readCosts(ctx.costsFile)));
}

export const ratio = (raw: number, pipe: number) => raw / pipe;
export const f2 = (x: number) => x.toFixed(2);
export const f1 = (x: number) => x.toFixed(1);
