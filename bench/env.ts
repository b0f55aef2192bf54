import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The environment bench/run.ts and its child processes read at their start: a private data
// folder shared with the child processes, quiet logs, no LLM (rules grading), no limits in the way.

process.env.EXAMFLOW_DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'examflow-bench-'));
process.env.LOG_LEVEL ??= 'warn';
process.env.EXAMFLOW_API_KEYS = 'bench:bench-token-0001';
process.env.EXAMFLOW_RATE_LIMIT_PER_MINUTE = '1000000';
process.env.EXAMFLOW_MAX_IN_FLIGHT = '100000';
process.env.EXAMFLOW_OCR_WORKERS ??= String(Math.max(1, os.cpus().length));
delete process.env.EXAMFLOW_LLM_API_KEY;
// The worker appends each activity's wall time and CPU share here (the breakdowns).
process.env.EXAMFLOW_ACTIVITY_COST_LOG = path.join(process.env.EXAMFLOW_DATA_DIR, 'activity-costs.jsonl');
// Graded to the end: an exam waiting for a teacher's review would never close in a benchmark.
process.env.EXAMFLOW_REVIEW = 'off';
