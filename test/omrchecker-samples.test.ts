import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readLayoutSheet, type LayoutTemplate } from '../reading/sheets/read-layout';
import { compareSample, loadSamples } from './fixtures/omrchecker-samples';

// OMRChecker's public samples (test/fixtures/omrchecker/NOTICE.md): each sample's template.json,
// evaluation.json (or answer-key CSV) and marker imported into an examflow template, each image
// read by examflow's reading engine, the answers, roll numbers and scores compared with the
// results OMRChecker itself recorded for the same images.

const samples = loadSamples();

test('the fixtures hold the samples this test is about', () => {
  assert.ok(samples.length >= 19, `${samples.length} samples found`);
  assert.ok(samples.filter((s) => s.scored).length >= 12, 'most samples carry an answer key and a score');
});

for (const sample of samples) {
  test(`OMRChecker sample ${sample.name}: the same answers${sample.scored ? ' and score' : ''} as OMRChecker recorded`, async () => {
    const reading = await readLayoutSheet(readFileSync(sample.image), sample.template as LayoutTemplate);
    const outcome = compareSample(sample, reading);
    assert.deepEqual(outcome.differences, [], `${outcome.answersSame}/${outcome.answers} answers equal`);
    if (outcome.score)
      assert.ok(
        Math.abs(outcome.score.read - outcome.score.recorded) < 1e-6,
        `score ${outcome.score.read}, OMRChecker ${outcome.score.recorded}`,
      );
    // a reading OMRChecker calls multi-marked is flagged double for a teacher (unless it is a key)
    for (const a of reading.answers) {
      if (a.type === 'choice' && (a.answer?.length ?? 0) > 1)
        assert.ok(a.flags.includes('double'), `question ${a.number} (${a.answer}) is flagged double`);
    }
  });
}

test('sample4: two marks where the key accepts B, C or BC score as correct; a double elsewhere scores incorrect', async () => {
  const sheet = samples.find((s) => s.name.endsWith('IMG_20201116_143512.jpg'))!;
  const q7 = sheet.template.questions.find((q) => q.number === '7')!;
  assert.deepEqual({ answer: q7.answer, accept: q7.accept }, { answer: 'B', accept: ['C', 'BC'] });
  assert.deepEqual(sheet.template.marking, { correct: 3, incorrect: -1, unmarked: 0 });
});

test('sample5: section-wise marking schemes become sections, the roll number the student id, two-digit answers fill questions', () => {
  const sheet = samples.find((s) => s.name.endsWith('camscanner-2.jpg'))!;
  const t = sheet.template;
  assert.deepEqual(Object.keys(t.sections ?? {}), [
    'BOOMERANG_1',
    'PROXIMITY_1',
    'FIBONACCI_SECTION_1',
    'POWER_SECTION_1',
    'FIBONACCI_SECTION_2',
  ]);
  assert.deepEqual(t.sections!.BOOMERANG_1!.marking, { correct: 4, incorrect: -1, unmarked: 0 });
  assert.deepEqual(t.layout!.studentId, ['Medium', 'roll1', 'roll2', 'roll3', 'roll4', 'roll5', 'roll6', 'roll7', 'roll8', 'roll9']);
  const q6 = t.questions.find((q) => q.number === '6')!;
  assert.deepEqual(
    { type: q6.type, answer: q6.answer, accept: q6.accept, section: q6.section },
    { type: 'fill', answer: '1', accept: ['01'], section: 'PROXIMITY_1' },
  );
  assert.deepEqual(t.layout!.questions!['PROXIMITY_1/6'], ['q6_1', 'q6_2']);
});

test('UPSC-mock: a fractional negative mark (-2/3) is kept exactly', () => {
  const sheet = samples.find((s) => s.name.endsWith('angle-1.jpg'))!;
  assert.equal(sheet.template.marking!.incorrect, -2 / 3);
});
