import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { PageFinding } from '../domain/batch-split';

// The pages of a class's stack are looked at on threads, one per core, at a lower priority
// than the exams being graded; the threads stop when idle (idle ones never hold the process).

let pool: Piscina<Uint8Array, PageFinding> | undefined;

export function lookAtPageInThread(image: Buffer): Promise<PageFinding> {
  pool ??= new Piscina({
    filename: path.join(__dirname, 'stack-page-thread.js'),
    minThreads: 0,
    maxThreads: Math.max(1, os.availableParallelism()),
    idleTimeout: 30_000,
    niceIncrement: 5,
  });
  return pool.run(new Uint8Array(image.buffer, image.byteOffset, image.byteLength));
}
