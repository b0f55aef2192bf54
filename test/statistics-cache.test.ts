import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatisticsResponse } from '../api/schemas';
import { cachedStatistics } from '../api/exams/statistics';

// The statistics cache in front of the records queries, over a stand-in computation that
// counts the calls and can be held up.

function countingClient() {
  const calls = { count: 0 };
  let gate: Promise<void> = Promise.resolve();
  const client = async (): Promise<StatisticsResponse> => {
    calls.count++;
    await gate;
    return { total: calls.count } as StatisticsResponse;
  };
  const hold = (p: Promise<void>) => {
    gate = p;
  };
  return { client, calls, hold };
}

test('statistics: one computation serves every request while fresh, per scope', async () => {
  const { client, calls } = countingClient();
  const statistics = cachedStatistics(client, 60_000, 120_000);
  const [a, b] = await Promise.all([statistics('school-a', 24), statistics('school-a', 24)]);
  const perComputation = calls.count;
  assert.ok(perComputation > 0);
  assert.equal(a, b, 'concurrent requests share the one computation');
  await statistics('school-a', 24);
  assert.equal(calls.count, perComputation, 'a fresh answer is reused');
  await statistics('school-b', 24);
  assert.equal(calls.count, 2 * perComputation, 'another tenant gets its own');
});

test('statistics: a stale answer comes back at once while a new one is computed', async () => {
  const { client, calls, hold } = countingClient();
  const statistics = cachedStatistics(client, 0, 120_000);
  const first = await statistics(null, 24);
  const perComputation = calls.count;
  let release!: () => void;
  hold(new Promise<void>((r) => (release = r)));
  assert.equal(await statistics(null, 24), first, 'stale answer, no wait');
  assert.ok(calls.count > perComputation, 'a refresh has started');
  release();
});

test('statistics: a failed computation is not kept', async () => {
  const { client } = countingClient();
  let fail = true;
  const flaky = async (): Promise<StatisticsResponse> => (fail ? Promise.reject(new Error('database down')) : client());
  const statistics = cachedStatistics(flaky, 60_000, 120_000);
  await assert.rejects(statistics(null, 24), /database down/);
  fail = false;
  assert.equal((await statistics(null, 24)).total, 1);
});

test('statistics: the cache is bounded; the least recently used answer goes first', async () => {
  const { client, calls } = countingClient();
  const statistics = cachedStatistics(client, 60_000, 120_000, 8);
  await statistics('school-0', 24);
  const perComputation = calls.count;
  for (let hours = 1; hours <= 20; hours++) await statistics('school-x', hours);
  const before = calls.count;
  await statistics('school-0', 24);
  assert.equal(calls.count, before + perComputation, 'the oldest answer was evicted, not kept without bound');
  await statistics('school-x', 20);
  assert.equal(calls.count, before + perComputation, 'a recent answer is still cached');
});
