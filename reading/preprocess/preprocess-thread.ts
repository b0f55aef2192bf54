import { BadInputError } from '../../domain/bad-input';
import { preprocessPage, type GreyImage } from './preprocess';

// Runs in a preprocessing thread (reading/preprocess/preprocess-pool.ts): the pixel loops take a
// few hundred milliseconds a page and would otherwise stall the worker's event loop, which
// answers progress queries and sends heartbeats. Bad input comes back as a value, since an
// Error's class does not survive the trip between threads.

export interface PreprocessJob {
  image: Uint8Array;
  what: string;
}

export type PreprocessOutcome = { image: GreyImage } | { badInput: string };

export default async function preprocessJob(job: PreprocessJob): Promise<PreprocessOutcome> {
  const image = Buffer.from(job.image.buffer, job.image.byteOffset, job.image.byteLength);
  try {
    return { image: (await preprocessPage(image, job.what)).image };
  } catch (err) {
    if (err instanceof BadInputError) return { badInput: err.message };
    throw err;
  }
}
