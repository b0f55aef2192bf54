import { spawn, type ChildProcess } from 'node:child_process';

// Puppeteer starts Chromium in a process group of its own, so when the worker is killed
// (SIGKILL, OOM, a crash) nothing stops the browser: it would run on, orphaned. A tiny shell
// watchdog holds the read end of a pipe whose write end only this process has; when the
// process dies for any reason the kernel closes that end, `read` returns, and the watchdog
// kills the browser's whole process group. On a normal close the watchdog is ended first.

const script = 'read -r _ ; kill -9 -"$1" 2>/dev/null ; kill -9 "$1" 2>/dev/null';

export interface BrowserWatchdog {
  /** the watchdog's own pid (the chaos run and tests look for it) */
  pid: number | undefined;
  /** the browser closed normally: end the watchdog without it killing anything */
  disarm(): void;
}

export function watchBrowser(browserPid: number): BrowserWatchdog {
  const child: ChildProcess = spawn('/bin/sh', ['-c', script, 'examflow-browser-watchdog', String(browserPid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.on('error', () => undefined); // no shell: the browser is simply unguarded
  // Neither the watchdog nor its pipe keeps this process alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    pid: child.pid,
    disarm() {
      child.kill('SIGKILL');
    },
  };
}
