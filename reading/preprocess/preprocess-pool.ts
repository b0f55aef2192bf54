import path from 'node:path';
import { Piscina } from 'piscina';
import { BadInputError } from '../../domain/bad-input';
import type { GreyImage } from './preprocess';
import type { PreprocessJob, PreprocessOutcome } from './preprocess-thread';

// Page clean-up off the main thread, as many threads as recognisers, at the recognisers'
// lower priority (both are batch work). Threads start on the first page.

export class PreprocessPool {
  private pool: Piscina<PreprocessJob, PreprocessOutcome> | undefined;

  constructor(private readonly threads: number) {}

  async run(image: Buffer, what: string): Promise<GreyImage> {
    this.pool ??= new Piscina({
      filename: path.join(__dirname, 'preprocess-thread.js'),
      minThreads: this.threads,
      maxThreads: this.threads,
      niceIncrement: 10,
    });
    const outcome = await this.pool.run({ image, what });
    if ('badInput' in outcome) throw new BadInputError(outcome.badInput);
    return outcome.image;
  }

  async close(): Promise<void> {
    const closing = this.pool;
    this.pool = undefined;
    await closing?.destroy();
  }
}
