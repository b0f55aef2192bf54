import { readdirSync, readFileSync } from 'node:fs';

// Resident memory and CPU of a process and of its descendants (the worker's Chromium), from /proc.

function statusField(pid: number, field: 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // gone
  }
}

/** Every process's children, by parent pid: one look through /proc for many tree readings. */
export function children(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …" — comm may hold spaces, so split after its closing paren
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  return byParent;
}

/** RSS in bytes of `pid` alone and of `pid` with every descendant. */
export function rss(pid: number): { own: number; tree: number } {
  const byParent = children();
  let tree = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    tree += statusField(p, 'VmRSS');
    stack.push(...(byParent.get(p) ?? []));
  }
  return { own: statusField(pid, 'VmRSS'), tree };
}

/** Samples rss() of each pid every `everyMs` until stopped; keeps the maxima. */
export function sampleRss(pids: Record<string, number>, everyMs = 1_000) {
  const peaks: Record<string, { own: number; tree: number }> = {};
  for (const name of Object.keys(pids)) peaks[name] = { own: 0, tree: 0 };
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const now = rss(pid);
      peaks[name]!.own = Math.max(peaks[name]!.own, now.own);
      peaks[name]!.tree = Math.max(peaks[name]!.tree, now.tree);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** CPU ms of `pid` alone (user + system, its threads included), or with the exited children it has waited for. */
function cpuMs(pid: number, waitedChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return (f[11]! + f[12]! + (waitedChildren ? f[13]! + f[14]! : 0)) * TICK_MS; // utime, stime, cutime, cstime
  } catch {
    return 0; // exited
  }
}

/** CPU ms (user + system, from /proc) of `pid` and every descendant, with the exited ones each has waited for. */
export function treeCpuMs(pid: number, byParent = children()): number {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += cpuMs(p, true);
    stack.push(...(byParent.get(p) ?? []));
  }
  return total;
}

/** CPU ms of `pid` alone, its threads included. */
export const ownCpuMs = (pid: number) => cpuMs(pid, false);
