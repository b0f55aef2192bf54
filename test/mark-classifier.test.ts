import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyMark } from '../reading/handwriting/mark-classifier';
import { readCellInk } from '../reading/handwriting/mark-crop';
import { loadMarkNetworks, readCalibration } from '../reading/handwriting/mark-model';
import { writeCell } from '../scripts/marks/augment';
import { buildSet, glyphBank, handwrite } from '../scripts/marks/dataset';
import { evaluate } from '../scripts/marks/report';
import { seeded } from '../scripts/marks/strokes';

// The committed classifier (models/marks) on a fresh held-out set: fonts, MNIST samples and
// seeds it never trained on, a seed neither the training report nor the benchmark used.

test('the committed handwriting classifier reads held-out handwriting at its stated accuracy', async () => {
  const model = await loadMarkNetworks();
  const e = evaluate(model, await buildSet('test', 100, 3_000_017), readCalibration().temperature);
  assert.ok(e.kinds.letters >= 0.91, `A–D in choice cells: ${e.kinds.letters}`);
  assert.ok(e.kinds.lettersAD >= 0.93, `A–D in four-option choice cells: ${e.kinds.lettersAD}`);
  assert.ok(e.kinds.truefalse >= 0.95, `true/false marks: ${e.kinds.truefalse}`);
  assert.ok(e.kinds.ticks >= 0.96, `√/× marks: ${e.kinds.ticks}`);
  assert.ok(e.kinds.digits >= 0.9, `digits: ${e.kinds.digits}`);
  assert.ok(e.accuracy >= 0.86, `all classes: ${e.accuracy}`);
  // calibrated: most wrong readings are flagged for a teacher
  assert.ok(
    e.confidence.wrongUnflagged <= 0.3 * e.confidence.wrong,
    `wrong and not flagged: ${e.confidence.wrongUnflagged} of ${e.confidence.wrong}`,
  );
});

test('classifyMark returns a label among the allowed classes with a confidence, and an empty cell reads as empty', async () => {
  const bank = await glyphBank('test');
  const rng = seeded(77);
  const tick = await classifyMark(writeCell(handwrite(bank, '√', rng), rng), 'truefalse');
  assert.ok(tick.label && ['T', 'F', '√', '×', '对', '错'].includes(tick.label));
  assert.ok(tick.confidence > 0 && tick.confidence <= 1);
  const letter = await classifyMark(writeCell(handwrite(bank, 'B', rng), rng), 'letter');
  assert.ok(letter.label && 'ABCDEFGH'.includes(letter.label));
  // grid lines at the edges and a speck are not writing
  const empty = writeCell(null, seeded(5));
  const ink = readCellInk(empty);
  assert.ok(ink.whole === null || (await classifyMark(empty)).label === null, 'an empty cell reads as empty');
});
