import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breakdown, unionMs, type ExamTimeline } from '../bench/breakdown';
import { CpuShares } from '../lib/temporal/activity-costs';

test('CpuShares: CPU between starts and ends is split evenly over the activities running then', () => {
  let cpu = 0;
  const shares = new CpuShares(() => cpu);
  const a = shares.begin();
  cpu = 100; // a alone
  const b = shares.begin();
  cpu = 300; // a and b: 100 each
  assert.equal(shares.end(a), 200);
  cpu = 350; // b alone
  assert.equal(shares.end(b), 150);
  cpu = 1000; // nobody running: nobody charged
  const c = shares.begin();
  assert.equal(shares.end(c), 0);
});

test('unionMs: overlapping intervals count once', () => {
  assert.equal(
    unionMs([
      [0, 10],
      [5, 15],
      [20, 25],
      [24, 24],
    ]),
    20,
  );
  assert.equal(unionMs([]), 0);
});

test('breakdown: per-step waiting, running, span and CPU, and the time no activity covered', () => {
  const exam: ExamTimeline = {
    workflowId: 'e1',
    startMs: 0,
    closeMs: 1000,
    activities: [
      { type: 'ocrPage', activityId: '1', scheduledMs: 10, startedMs: 20, closedMs: 500 },
      { type: 'ocrPage', activityId: '2', scheduledMs: 10, startedMs: 30, closedMs: 600 },
      { type: 'renderReport', activityId: '3', scheduledMs: 700, startedMs: 710, closedMs: 900 },
    ],
  };
  const cost = (activityId: string, cpuMs: number) =>
    [`e1/${activityId}`, { workflowId: 'e1', activityId, activityType: '', attempt: 1, wallMs: 0, cpuMs, failed: false }] as const;
  const b = breakdown([exam], new Map([cost('1', 300), cost('2', 200), cost('3', 50)]));
  assert.equal(b.wallMs, 1000);
  assert.equal(b.betweenMs, 1000 - 590 - 200);
  const ocr = b.steps.find((s) => s.step === 'ocrPage')!;
  assert.deepEqual({ ...ocr }, { step: 'ocrPage', count: 2, spanMs: 590, waitMs: 30, runMs: 1050, cpuMs: 500 });
  assert.equal(b.cpuMs, 550);
});
