import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Imported first by every test that reads the process configuration (the API's, which it reads
// once at its edge, and the stacks that build their workers' dependencies from it): each test
// process gets its own data folder and quiet logs. Activities and the reading engine take
// their settings as arguments; a test passes its own (test/helpers/activities.ts).
process.env.EXAMFLOW_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'examflow-test-'));
process.env.LOG_LEVEL ??= 'warn';
// Tests run webhook receivers on loopback; the hostile-input suite turns this off again.
process.env.EXAMFLOW_WEBHOOK_ALLOW_PRIVATE ??= 'true';
process.env.EXAMFLOW_API_KEYS ??= 'school-a:token-school-a,school-b:token-school-b,*:token-admin-0';
// Teacher review makes doubtful exams wait for a person: the suites written before it expect
// every exam to complete by itself. The review suites turn it on (env-review.ts).
process.env.EXAMFLOW_REVIEW ??= 'off';
