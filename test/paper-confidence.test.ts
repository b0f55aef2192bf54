import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ParsedExam } from '../domain/paper';
import { judgePaper } from '../domain/paper-confidence';
import { templateSchema } from '../domain/template';

// A paper is scored only when its questions were found with confidence (issue 13: a page of
// noise "found" 2 of 8 questions and completed with 0/8).

const template = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
const parsed = (numbers: string[], confidence: number): ParsedExam => ({
  title: null,
  student: {} as ParsedExam['student'],
  answers: numbers.map((number) => ({ number, answer: 'A', confidence, page: 0 })),
  missing: template.questions.map((q) => q.number).filter((n) => !numbers.includes(n)),
});
const all = template.questions.map((q) => q.number);

test('a paper with most questions found, read with confidence, is scored', () => {
  assert.deepEqual(judgePaper(parsed(all, 0.9), template), { readable: true });
  assert.deepEqual(
    judgePaper(parsed(all.slice(0, 4), 0.8), template),
    { readable: true },
    'half the questions found: a page may be missing, still scored',
  );
});

test('noise: two of eight questions "found" is refused, naming them and what to check', () => {
  const verdict = judgePaper(parsed(['1', '5'], 0.7), template);
  assert.equal(verdict.readable, false);
  assert.match(
    !verdict.readable ? verdict.reason : '',
    /only 2 of the 8 questions of template "g8-math-midterm" were found on the paper \(1, 5\).*check that the right template was chosen/,
  );
});

test('nothing found, or found with very low confidence, is refused', () => {
  const none = judgePaper(parsed([], 0), template);
  assert.match(!none.readable ? none.reason : '', /none of the 8 questions/);
  const doubtful = judgePaper(parsed(all, 0.12), template);
  assert.match(!doubtful.readable ? doubtful.reason : '', /mean confidence of 12%/);
});
