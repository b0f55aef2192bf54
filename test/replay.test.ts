import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { config } from '../lib/config';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { workflowBundle } from './helpers/temporal';

// Histories captured from real runs (npm run capture-history) must replay against the
// current workflow code: a change that breaks them needs patched().
const dir = path.join(__dirname, '../../test/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there are committed histories to replay', () => {
  assert.ok(files.length > 0, `no histories in ${dir}`);
});

for (const file of files) {
  test(`replays ${file}`, async () => {
    const history: unknown = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: examflowDataConverter(config()) },
      history,
      path.basename(file, '.json'),
    );
  });
}
