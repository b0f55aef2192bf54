import os from 'node:os';
import type { TargetRow } from './workloads/context';

// bench/RESULTS.md from the sections of one run, each target marked met or not.

/** The p-th quantile (0–1) of a small sample, nearest rank. */
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};
const ok = (met: boolean | null) => (met === null ? '' : met ? 'met' : '**not met**');

export function resultsMarkdown(
  run: { command: string; quick: boolean; ocrWorkers: number; workloads: string[]; loadBefore: number[]; loadAfter: number[] },
  targets: TargetRow[],
  sections: string[],
): string {
  const cpus = os.cpus();
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return `# examflow benchmark${run.quick ? ' (--quick: small samples, short sustained run)' : ''}

Run ${new Date().toISOString()} with \`${run.command}\` (workloads: ${run.workloads.join(', ')}): its own Temporal dev server
(SQLite file), PostgreSQL, one worker process (\`EXAMFLOW_OCR_WORKERS=${run.ocrWorkers}\` recognisers per language) and the API,
as child processes on loopback. Rules grading (no LLM). Every ratio compares two measurements of the same run.
Breakdowns come from the exams' workflow histories (waiting = activity scheduled → started, running = started →
closed) and from the worker's activity cost log (\`EXAMFLOW_ACTIVITY_COST_LOG\`: the worker process's CPU, shared
fairly between the activities running at the same time; Chromium's processes are not in it).

## Machine

| | |
|---|---|
| CPU | ${cpus.length} × ${cpus[0]?.model ?? 'unknown'} |
| memory | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free at the end |
| load (1/5/15 min) | before ${load(run.loadBefore)}, after ${load(run.loadAfter)} (above ${cpus.length}: other work shared the cores) |
| OS | ${os.type()} ${os.release()} (${os.platform()}/${os.arch()}) |
| Node | ${process.version} |

## Targets

| target | figure | |
|---|---|---|
${targets.map((t) => `| ${t.target} | ${t.figure} | ${ok(t.met)} |`).join('\n')}

${sections.join('\n')}`;
}
