import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOpenCv } from '../reading/opencv';

// OpenCV's Emscripten glue would make every stray error in the process an opaque exit 7
// (rethrown from inside its one-line bundle) and abort on any unhandled rejection.
test('loading OpenCV leaves the process-wide error handlers as they were', async () => {
  const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
  const { cv } = await loadOpenCv();
  assert.equal(typeof cv.Mat, 'function');
  assert.deepEqual([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')], before);
});
