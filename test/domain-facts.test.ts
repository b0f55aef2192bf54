import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedStatusDocument, pendingStatusDocument } from '../domain/exam-progress';
import { closedExamStatuses, examStatuses, isClosedStatus, workSteps } from '../domain/exam-states';
import { trueFalseValue } from '../domain/marks';
import { normalizeTrueFalse } from '../domain/normalize';
import { acceptedFormatsText, MAX_PAGE_PIXELS, pageImageFormats, pageMessages, pageRules } from '../domain/page-rules';
import { normalizeAnswer } from '../domain/parse';
import { joinCjk } from '../domain/cjk';
import { trueFalseOf, readTrueFalse } from '../domain/true-false';
import type { TemplateQuestion } from '../domain/template';

// The facts defined once in domain/: what a page may be, the exam states, the true/false
// words, the CJK gap. Every reader of a fact agrees with its one definition.

test('a page: PNG, JPEG, WebP, TIFF or PDF, at most 60 megapixels; the rules a client gets say the same', () => {
  assert.equal(acceptedFormatsText, 'PNG, JPEG, WebP, TIFF or PDF');
  assert.deepEqual([...pageImageFormats], ['png', 'jpeg', 'webp', 'tiff']);
  assert.equal(MAX_PAGE_PIXELS, 60_000_000);
  const rules = pageRules({ maxBytes: 20_000_000, maxPages: 20 });
  assert.ok(rules.accept.split(',').includes('application/pdf'), rules.accept);
  assert.ok(rules.accept.split(',').includes('.pdf'), rules.accept);
  assert.deepEqual(
    rules.formats.map((f) => f.label),
    ['PNG', 'JPEG', 'WebP', 'TIFF', 'PDF'],
  );
  assert.equal(rules.maxMegapixels, 60);
  assert.equal(pageMessages.notReadable('page 1 (a.gif)'), 'page 1 (a.gif) is not a readable image: upload PNG, JPEG, WebP, TIFF or PDF');
  assert.match(pageMessages.tooManyPixels('page 2'), /more than 60 megapixels: scan at 300 dpi or less/);
});

test('exam states: three closed statuses, six working steps in order', () => {
  assert.deepEqual([...closedExamStatuses], ['completed', 'failed', 'cancelled']);
  assert.deepEqual(examStatuses.filter(isClosedStatus), ['completed', 'failed', 'cancelled']);
  assert.deepEqual([...workSteps], ['ocr', 'parse', 'analyze', 'review', 'diagnose', 'report']);
});

test('a closed workflow and a waiting exam read as status documents', () => {
  const memo = { createdAt: '2026-01-01T00:00:00.000Z', pages: 2 };
  const start = Date.parse(memo.createdAt) + 1000;
  const run = { examId: 'e1', memo, startedAtMs: start, closedAtMs: start + 9000, error: null };
  const done = closedStatusDocument({ ...run, closedAs: 'COMPLETED', lastStep: 'report' });
  assert.equal(done.status, 'completed');
  assert.equal(done.step, 'done');
  assert.equal(done.progress, 100);
  assert.deepEqual(done.pages, { total: 2, processed: 2 });
  const stopped = closedStatusDocument({ ...run, closedAs: 'TERMINATED', lastStep: 'ocr', error: 'stopped by an operator' });
  assert.equal(stopped.status, 'failed');
  assert.equal(stopped.error, 'stopped by an operator');
  assert.deepEqual(stopped.pages, { total: 2, processed: 0 });
  const pending = pendingStatusDocument('e2', memo, Date.parse(memo.createdAt) + 2500);
  assert.equal(pending.status, 'pending');
  assert.equal(pending.elapsedMs, 2500);
  assert.equal(pending.etaMs, null);
});

test('true/false: the grader, the parser and the mark reader read the same words', () => {
  for (const word of ['√', '✓', '对', '正确', 'T', 'true']) {
    assert.equal(trueFalseOf(word), 'T', word);
    assert.equal(normalizeTrueFalse(word), 'T', word);
    assert.equal(readTrueFalse(word), 'T', word);
  }
  for (const word of ['×', '✗', '错', '错误', '不对', 'F', 'false']) {
    assert.equal(trueFalseOf(word), 'F', word);
    assert.equal(normalizeTrueFalse(word), 'F', word);
    assert.equal(readTrueFalse(word), 'F', word);
  }
  // OCR's readings of a handwritten √, and of a lone T or F after a Chinese label.
  assert.equal(readTrueFalse('( V )'), 'T');
  assert.equal(readTrueFalse('工'), 'T');
  assert.equal(readTrueFalse('卜'), 'F');
  assert.equal(trueFalseOf('maybe'), null);
  assert.equal(trueFalseValue('√'), 'T');
  assert.equal(trueFalseValue('错'), 'F');
  assert.equal(trueFalseValue('A'), null);
  const q = { number: '1', type: 'truefalse', answer: 'T', points: 1 } as TemplateQuestion;
  assert.equal(normalizeAnswer(q, '( × )'), 'F');
});

test('the CJK gap: OCR spaces between Chinese characters go, spaces in Latin text stay', () => {
  assert.equal(joinCjk('下 列 各 数  是 x + 1'), '下列各数是 x + 1');
  assert.equal(joinCjk('（ １ ） 计算'), '（１）计算');
});
