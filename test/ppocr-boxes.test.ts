import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ctcDecode, readingLines, textBoxes } from '../reading/ocr/ppocr-boxes';

test('textBoxes: one box per connected text region, grown by the unclip distance, weak regions dropped', () => {
  const w = 40;
  const h = 20;
  const prob = new Float32Array(w * h);
  const fill = (x0: number, y0: number, x1: number, y1: number, p: number) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) prob[y * w + x] = p;
  };
  fill(5, 5, 25, 9, 0.95); // a line
  fill(29, 5, 33, 9, 0.9); // a word on the same line
  fill(2, 12, 12, 16, 0.4); // above the pixel threshold, below the box score: noise
  fill(30, 12, 31, 13, 0.99); // one pixel: too small
  const boxes = textBoxes(prob, w, h);
  assert.equal(boxes.length, 2);
  const [line] = boxes;
  const d = (20 * 4 * 1.5) / (2 * 24); // area × ratio / perimeter
  assert.ok(Math.abs(line!.x0 - (5 - d)) < 1e-9 && Math.abs(line!.x1 - (25 + d)) < 1e-9 && Math.abs(line!.y0 - (5 - d)) < 1e-9);
  assert.ok(Math.abs(line!.score - 0.95) < 1e-6);
});

test('readingLines: boxes grouped into lines by vertical overlap, lines top to bottom, boxes left to right', () => {
  const b = (x0: number, y0: number, y1: number) => ({ x0, y0, y1 });
  const lines = readingLines([b(50, 100, 120), b(0, 0, 20), b(10, 102, 121), b(60, 3, 22)]);
  assert.deepEqual(
    lines.map((l) => l.map((x) => x.x0)),
    [
      [0, 60],
      [10, 50],
    ],
  );
});

test('ctcDecode: repeats merged, blanks dropped, the class after the alphabet is a space, confidence of kept steps', () => {
  const alphabet = ['a', 'b'];
  const classes = 4; // blank, a, b, space
  const steps = [1, 1, 0, 1, 2, 3, 2]; // a a _ a b ␣ b → "aab b"
  const probs = new Float32Array(steps.length * classes);
  steps.forEach((c, t) => {
    probs.fill(0.1, t * classes, (t + 1) * classes);
    probs[t * classes + c] = 0.8;
  });
  const out = ctcDecode(probs, steps.length, classes, alphabet);
  assert.equal(out.text, 'aab b');
  assert.ok(Math.abs(out.confidence - 0.8) < 1e-6);
});
