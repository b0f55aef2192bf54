import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choiceLetters, decideAmong, MARK_CLASSES } from '../domain/marks';
import { GLYPH_VARIANTS, glyphVariantRows, warpGlyph } from '../reading/handwriting/glyph-variants';
import { GLYPH_SIZE } from '../reading/handwriting/mark-crop';

// Test-time variants of a glyph and a choice cell read among its question's options.

test('a glyph variant moves the ink by whole pixels and keeps the original first', () => {
  const glyph = new Float32Array(GLYPH_SIZE * GLYPH_SIZE);
  glyph[14 * GLYPH_SIZE + 14] = 1;
  const right = warpGlyph(glyph, { dx: 1, dy: 0, scale: 1, degrees: 0 });
  assert.equal(right[14 * GLYPH_SIZE + 15], 1);
  assert.equal(right[14 * GLYPH_SIZE + 14], 0);
  const rows = glyphVariantRows(glyph, 1);
  assert.equal(rows.length, GLYPH_VARIANTS.length * GLYPH_SIZE * GLYPH_SIZE);
  assert.deepEqual(rows.subarray(0, GLYPH_SIZE * GLYPH_SIZE), glyph);
});

test('a four-option choice cell is read among A–D even when E is likelier', () => {
  const probs = MARK_CLASSES.map((c) => (c === 'E' ? 0.5 : c === 'B' ? 0.3 : c === 'D' ? 0.1 : 0.1 / 21));
  assert.equal(decideAmong(probs, choiceLetters(4)).label, 'B');
  assert.equal(decideAmong(probs, choiceLetters()).label, 'E');
});
