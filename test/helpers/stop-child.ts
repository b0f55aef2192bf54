import type { ChildProcess } from 'node:child_process';
import { isRunning } from '../../lib/child-process';

/** SIGTERM a server the test started, and wait until it has gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
