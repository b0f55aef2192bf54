import path from 'node:path';
import { Piscina } from 'piscina';
import { config } from '../../lib/config';
import { BadInputError, type GreyImage } from './preprocess';
import type { PreprocessJob, PreprocessOutcome } from './preprocess-thread';

// Page clean-up off the main thread, as many threads as recognisers, at the recognisers'
// lower priority (both are batch work).

let pool: Piscina<PreprocessJob, PreprocessOutcome> | undefined;

export async function preprocessInThread(image: Buffer, what: string, minimal: boolean): Promise<GreyImage> {
  pool ??= new Piscina({
    filename: path.join(__dirname, 'preprocess-thread.js'),
    minThreads: config().EXAMFLOW_OCR_WORKERS,
    maxThreads: config().EXAMFLOW_OCR_WORKERS,
    niceIncrement: 10,
  });
  const outcome = await pool.run({ image, what, minimal });
  if ('badInput' in outcome) throw new BadInputError(outcome.badInput);
  return outcome.image;
}

export async function closePreprocessPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
}
