import os from 'node:os';
import type { LocalStack } from '../scripts/local-stack';
import { children, ownCpuMs, treeCpuMs } from './process-memory';

// CPU of every process of the local stack over a pipeline run: the worker's activity log counts
// the worker alone; Chromium, the Temporal server, the API and PostgreSQL share the same cores.

export type ProcessCpu = Record<'worker' | 'chromium' | 'temporal' | 'api' | 'postgres' | 'bench', number>;

/** CPU ms so far of each part of the stack (the worker's Chromium is its descendants). */
export function stackCpu(stack: LocalStack): ProcessCpu {
  const byParent = children();
  const workers = [stack.worker, ...stack.extraWorkers].flatMap((w) => (w?.pid ? [w.pid] : []));
  const own = workers.reduce((s, pid) => s + ownCpuMs(pid), 0);
  const tree = workers.reduce((s, pid) => s + treeCpuMs(pid, byParent), 0);
  const pidCpu = (pid: number | undefined) => (pid ? treeCpuMs(pid, byParent) : 0);
  const bench = process.cpuUsage();
  return {
    worker: own,
    chromium: tree - own,
    temporal: pidCpu(stack.server.pid),
    api: pidCpu(stack.api.pid),
    postgres: pidCpu(stack.postgres?.process.pid),
    bench: (bench.user + bench.system) / 1000,
  };
}

const s1 = (ms: number) => (ms / 1000).toFixed(1);

/** CPU ms of each part between two stackCpu() readings. */
export function cpuBetween(before: ProcessCpu, after: ProcessCpu): ProcessCpu {
  const d = { ...after };
  for (const k of Object.keys(d) as (keyof ProcessCpu)[]) d[k] = Math.max(0, after[k] - before[k]);
  return d;
}

/** One paragraph: each process's CPU between two stackCpu() readings, against what the cores could give in `wallS`. */
export function stackCpuLine(before: ProcessCpu, after: ProcessCpu, wallS: number, pages: number): string {
  const d = cpuBetween(before, after);
  const total = Object.values(d).reduce((s, v) => s + v, 0);
  const cores = os.cpus().length;
  return (
    `CPU of every process over the run: worker ${s1(d.worker)} s, its Chromium ${s1(d.chromium)} s, ` +
    `Temporal server ${s1(d.temporal)} s, API ${s1(d.api)} s, PostgreSQL ${s1(d.postgres)} s, ` +
    `benchmark client ${s1(d.bench)} s: ${s1(total)} s in all, ${s1(total / pages)} s a page ` +
    `(${cores} cores × ${wallS.toFixed(1)} s = ${(cores * wallS).toFixed(1)} s available).`
  );
}
