import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slidingWindowLimiter } from '../api/http/rate-limit';

// The per-token and failed-sign-in limits: a sliding window, on a clock the test moves.

test('a sliding window lets no burst through at a window boundary, and Retry-After is at least 1 s', () => {
  let now = 0;
  const limiter = slidingWindowLimiter({ max: 40, windowMs: 60_000, now: () => now });
  now = 59_000;
  for (let i = 0; i < 40; i++) assert.equal(limiter.hit('token'), null);
  assert.ok(limiter.hit('token')! >= 1);
  now = 61_000; // a fixed window would have reset here and let 40 more through
  let through = 0;
  for (let i = 0; i < 40; i++) if (limiter.hit('token') === null) through++;
  assert.equal(through, 0, 'at most 40 in any 60 s');
  now = 118_999;
  assert.equal(limiter.hit('token'), 1, 'one millisecond to wait is still Retry-After: 1, never 0');
  now = 119_001;
  assert.equal(limiter.hit('token'), null);
  assert.equal(limiter.hit('other'), null, 'keys are counted apart');
});

test('blocked() tells the wait without counting', () => {
  let now = 0;
  const limiter = slidingWindowLimiter({ max: 2, windowMs: 60_000, now: () => now });
  assert.equal(limiter.blocked('a'), null);
  limiter.hit('a');
  limiter.hit('a');
  now = 30_000;
  assert.equal(limiter.blocked('a'), 30);
  assert.equal(limiter.blocked('a'), 30);
});
