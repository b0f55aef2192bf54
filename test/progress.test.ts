import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enterStep, finish, startProgress, statusDocument } from '../workflows/progress';

const t0 = Date.parse('2026-01-01T00:00:00Z');

test('a new exam is processing OCR with 0% and an ETA from expected costs', () => {
  const p = startProgress('e1', new Date(t0 - 500).toISOString(), 2, t0);
  const doc = statusDocument(p, t0);
  assert.equal(doc.status, 'processing');
  assert.equal(doc.step, 'ocr');
  assert.equal(doc.progress, 0);
  assert.deepEqual(doc.pages, { total: 2, processed: 0 });
  assert.equal(doc.elapsedMs, 500);
  assert.ok(doc.etaMs! > 8000, `eta ${doc.etaMs}`);
});

test('OCR progress and ETA follow the pages already read', () => {
  const p = startProgress('e1', new Date(t0).toISOString(), 4, t0);
  p.pagesProcessed = 2;
  const doc = statusDocument(p, t0 + 6000);
  assert.equal(doc.progress, 35);
  // two pages left at the measured 3 s a page, plus parse, analyze, diagnose and report
  assert.equal(doc.etaMs, 6000 + 300 + 300 + 300 + 2000);
});

test('later steps add their weights; completion is 100% with no ETA left', () => {
  const p = startProgress('e1', new Date(t0).toISOString(), 1, t0);
  p.pagesProcessed = 1;
  enterStep(p, 'diagnose', t0 + 1000);
  assert.equal(statusDocument(p, t0 + 1000).progress, 80);
  finish(p, 'completed', t0 + 2000);
  const doc = statusDocument(p, t0 + 5000);
  assert.equal(doc.progress, 100);
  assert.equal(doc.step, 'done');
  assert.equal(doc.etaMs, 0);
  assert.equal(doc.finishedAt, new Date(t0 + 2000).toISOString());
  assert.equal(doc.elapsedMs, 2000);
});

test('a failed exam keeps the step it failed in and its error', () => {
  const p = startProgress('e1', new Date(t0).toISOString(), 1, t0);
  enterStep(p, 'parse', t0 + 100);
  finish(p, 'failed', t0 + 200, 'parse failed: wrong template');
  const doc = statusDocument(p, t0 + 200);
  assert.equal(doc.status, 'failed');
  assert.equal(doc.step, 'parse');
  assert.equal(doc.etaMs, null);
  assert.equal(doc.error, 'parse failed: wrong template');
});
