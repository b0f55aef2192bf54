import { appendFile } from 'node:fs/promises';
import type { Context as ActivityContext } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

// Where a worker's CPU goes, activity by activity, for the benchmark's breakdowns. Opt-in
// (EXAMFLOW_ACTIVITY_COST_LOG names a file): nothing is installed otherwise. The process's CPU
// (main thread and every worker thread: recognisers, preprocessing) is shared fairly among the
// activities running at the time — between any two activity starts or ends the delta is split
// evenly over the set then running — so concurrent activities never count the same CPU twice.
// Each finished attempt appends one JSON line; Chromium's own processes are not in it.

export interface ActivityCost {
  workflowId: string;
  activityId: string;
  activityType: string;
  attempt: number;
  /** wall time of the attempt in this process */
  wallMs: number;
  /** the process CPU attributed to it (fair share while others ran) */
  cpuMs: number;
  failed: boolean;
}

/** Fair-share CPU accounting over the activities running at once (pure apart from `now`). */
export class CpuShares {
  private running = new Map<number, number>(); // token → CPU ms attributed so far
  private last: number;
  private next = 0;
  constructor(private readonly now: () => number) {
    this.last = now();
  }

  private settle(): void {
    const t = this.now();
    const share = this.running.size ? (t - this.last) / this.running.size : 0;
    for (const [token, ms] of this.running) this.running.set(token, ms + share);
    this.last = t;
  }

  begin(): number {
    this.settle();
    const token = this.next++;
    this.running.set(token, 0);
    return token;
  }

  /** The CPU ms attributed to `token` since begin(). */
  end(token: number): number {
    this.settle();
    const ms = this.running.get(token) ?? 0;
    this.running.delete(token);
    return ms;
  }
}

const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The interceptor factory writing to `file`, or none when no file is named. */
export function activityCostInterceptors(file: string | undefined): ActivityInterceptorsFactory[] {
  if (!file) return [];
  const shares = new CpuShares(processCpuMs);
  let writing = Promise.resolve();
  const write = (cost: ActivityCost) => {
    writing = writing.then(() => appendFile(file, `${JSON.stringify(cost)}\n`)).catch(() => undefined);
  };
  return [
    (ctx: ActivityContext) => ({
      inbound: {
        async execute(input, next) {
          const token = shares.begin();
          const started = performance.now();
          let failed = true;
          try {
            const out = await next(input);
            failed = false;
            return out;
          } finally {
            const { workflowExecution, activityId, activityType, attempt } = ctx.info;
            const cpuMs = shares.end(token);
            const wallMs = performance.now() - started;
            write({ workflowId: workflowExecution?.workflowId ?? '', activityId, activityType, attempt, wallMs, cpuMs, failed });
          }
        },
      },
    }),
  ];
}
