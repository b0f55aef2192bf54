import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { SheetCodeResult } from './sheet-code-thread';

// The answer-sheet code of a page, looked for off the event loop (status reads, SSE and other
// submissions go on meanwhile). Threads start on first use and stop when idle for a minute.

let pool: Piscina<Uint8Array, SheetCodeResult> | undefined;

export function findSheetCodeInThread(image: Buffer): Promise<SheetCodeResult> {
  pool ??= new Piscina({
    filename: path.join(__dirname, 'sheet-code-thread.js'),
    minThreads: 0,
    maxThreads: Math.max(1, os.availableParallelism()),
    idleTimeout: 60_000,
  });
  return pool.run(new Uint8Array(image.buffer, image.byteOffset, image.byteLength));
}

export async function closeSheetCodePool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
}
