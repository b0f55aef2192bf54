import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusDocument } from '../domain/documents';
import { estimateEta, type EtaModel } from '../domain/eta';
import { knowledgePointHistories, type StudentExam } from '../domain/student-progress';
import { pageTokens } from '../lib/page-token';
import { InvalidCursor, decodeCursor, encodeCursor } from '../records/exam-cursor';

// The pure parts of the records: the learned ETA, a student's mastery over time, the list cursor.

const model: EtaModel = {
  samples: 50,
  ocrPerPageMs: 2000,
  stepMs: { parse: 100, analyze: 100, diagnose: 300, report: 1500 },
  throughputPerMs: 2 / 60_000,
};
const status = (over: Partial<StatusDocument>): StatusDocument => ({
  examId: 'e',
  status: 'processing',
  step: 'ocr',
  progress: 0,
  pages: { total: 3, processed: 1 },
  createdAt: new Date(0).toISOString(),
  startedAt: null,
  finishedAt: null,
  elapsedMs: 0,
  etaMs: 999,
  error: null,
  ...over,
});

test('ETA: pages left at the measured OCR rate plus the measured later steps', () => {
  assert.equal(estimateEta(model, status({}), 0), 2 * 2000 + 100 + 100 + 300 + 1500);
  assert.equal(estimateEta(model, status({ step: 'diagnose', pages: { total: 3, processed: 3 } }), 0), 300 + 1500);
});

test('ETA: a waiting exam adds the queue ahead at the recent completion rate', () => {
  const own = 3 * 2000 + 2000;
  assert.equal(estimateEta(model, status({ status: 'pending', pages: { total: 3, processed: 0 } }), 4), 4 * 30_000 + own);
  assert.equal(
    estimateEta({ ...model, throughputPerMs: 0 }, status({ status: 'pending', pages: { total: 3, processed: 0 } }), 2),
    2 * own + own,
  );
});

test('ETA: nothing measured yet keeps the workflow’s own estimate', () => {
  assert.equal(estimateEta({ ...model, samples: 0 }, status({}), 10), 999);
});

test('student progress: mastery per knowledge point over the exams, weakest first, with its change', () => {
  const exam = (examId: string, at: string, kps: [string, number, number][]): StudentExam => ({
    examId,
    templateId: 't',
    subject: 'math',
    status: 'completed',
    createdAt: at,
    finishedAt: at,
    score: 1,
    fullScore: 2,
    knowledgePoints: kps.map(([name, awarded, points]) => ({ name, awarded, points, mastery: awarded / points })),
  });
  const histories = knowledgePointHistories([
    exam('a', '2026-01-01T00:00:00Z', [
      ['fractions', 2, 10],
      ['angles', 5, 5],
    ]),
    exam('b', '2026-02-01T00:00:00Z', [['fractions', 8, 10]]),
  ]);
  assert.deepEqual(
    histories.map((h) => h.name),
    ['fractions', 'angles'],
  );
  const fractions = histories[0]!;
  assert.equal(fractions.mastery, 0.5);
  assert.equal(fractions.latest, 0.8);
  assert.equal(fractions.change, 0.6);
  assert.deepEqual(
    fractions.history.map((h) => h.examId),
    ['a', 'b'],
  );
  assert.equal(histories[1]!.change, null, 'one exam: no change yet');
});

test('list cursor: round trip, and anything else is refused', () => {
  const cursor = { createdAtMs: 1_790_000_000_123, examId: '0f4fa75b-484c-47f8-9495-fa6c5f7ae31d' };
  const tokens = pageTokens('a test key');
  assert.deepEqual(decodeCursor(tokens, encodeCursor(tokens, cursor)), cursor);
  for (const bad of ['', 'x', 'bm90LWEtY3Vyc29y', Buffer.from('1.not-a-uuid').toString('base64url'), '!!!']) {
    assert.throws(() => decodeCursor(tokens, bad), InvalidCursor, bad);
  }
});
