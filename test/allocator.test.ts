import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { workerAllocatorEnv } from '../lib/allocator';

test('workers start on jemalloc where it is installed, unless the operator preloads something already', () => {
  const chosen = workerAllocatorEnv({});
  // setup.sh installs Debian's libjemalloc2, so on a machine that ran it the library is there.
  assert.ok(chosen.LD_PRELOAD && existsSync(chosen.LD_PRELOAD), `jemalloc found: ${JSON.stringify(chosen)}`);
  assert.deepEqual(workerAllocatorEnv({ LD_PRELOAD: '/opt/other.so' }), {});
});
