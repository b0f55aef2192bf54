import os from 'node:os';

// The recogniser's worker thread: tesseract.js's own worker script, started at a lower CPU
// priority. OCR is batch work that keeps every core busy; at nice 10 the worker's main
// thread (progress queries, heartbeats, workflow tasks), the API and the Temporal server
// still get a core at once. Linux keeps a nice value per thread, so this thread alone moves.
try {
  os.setPriority(0, 10);
} catch {
  // not permitted here: run at normal priority
}
// A require, not an import: imports are hoisted, and the priority must be set before the script runs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('tesseract.js/src/worker-script/node/index.js');
