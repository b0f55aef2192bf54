import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The process environment a test's own edge reads, like a main file reads its own: the stack
// helpers (stack.ts, temporal.ts, activities.ts) call config() and pass what it holds to
// createApp, the workers' dependencies, the API's store and the logger; no module reads the
// configuration on its own. Each test process gets its own data folder and quiet logs.
process.env.EXAMFLOW_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'examflow-test-'));
process.env.LOG_LEVEL ??= 'warn';
// Tests run webhook receivers on loopback; the hostile-input suite turns this off again.
process.env.EXAMFLOW_WEBHOOK_ALLOW_PRIVATE ??= 'true';
process.env.EXAMFLOW_API_KEYS ??= 'school-a:token-school-a,school-b:token-school-b,*:token-admin-0';
// Teacher review makes doubtful exams wait for a person: the suites written before it expect
// every exam to complete by itself. The review suites turn it on (env-review.ts).
process.env.EXAMFLOW_REVIEW ??= 'off';
