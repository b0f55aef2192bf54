import { NativeConnection } from '@temporalio/worker';
import { terminateOcr } from '../activities/ocr-engine';
import { closeSharedBrowser } from '../lib/browser';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { createExamWorkers } from './workers';

// The Temporal runtime stops the workers on SIGINT/SIGTERM: they stop polling, let running
// activities finish within shutdownGraceTime, then run() resolves and we release the
// recognisers and the browser.
async function main(): Promise<void> {
  const cfg = config();
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  try {
    const workers = await createExamWorkers({ connection });
    logger.info({ taskQueue: cfg.EXAMFLOW_TASK_QUEUE, ocrWorkers: cfg.EXAMFLOW_OCR_WORKERS }, 'examflow worker polling');
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await Promise.allSettled([terminateOcr(), closeSharedBrowser()]);
    await connection.close();
  }
  logger.info('examflow worker stopped');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'examflow worker failed');
  process.exit(1);
});
