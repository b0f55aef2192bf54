import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOpenCv, withMats } from '../reading/opencv';
import { openLines } from '../reading/handwriting/rule-opening';
import { rng } from './fixtures/generator';

// The table finder's rule opening by runs gives OpenCV's morphologyEx(MORPH_OPEN) pixel for
// pixel: odd and even kernels, rows and columns, runs touching the picture's edges.

before(() => loadOpenCv());

function randomMask(width: number, height: number, seed: number): Uint8Array {
  const random = rng(seed);
  const mask = new Uint8Array(width * height);
  // rules of every length, some to the edges, over speckle
  for (let i = 0; i < mask.length; i++) if (random() < 0.2) mask[i] = 255;
  for (let r = 0; r < 60; r++) {
    const horizontal = random() < 0.5;
    const x = Math.floor(random() * width);
    const y = Math.floor(random() * height);
    const length = Math.floor(random() * 80);
    for (let j = 0; j < length; j++) {
      const px = horizontal ? x + j : x;
      const py = horizontal ? y : y + j;
      if (px < width && py < height) mask[py * width + px] = 255;
    }
  }
  return mask;
}

test('openLines is OpenCV’s opening by a 1×k or k×1 rectangle', async () => {
  const { cv } = await loadOpenCv();
  for (const [width, height, seed] of [
    [157, 203, 1],
    [64, 48, 2],
  ] as const) {
    const mask = randomMask(width, height, seed);
    for (const k of [1, 2, 3, 4, 17, 30, 58])
      for (const along of ['rows', 'columns'] as const) {
        const expected = withMats((keep) => {
          const src = keep(cv.matFromArray(height, width, cv.CV_8UC1, mask));
          const out = keep(new cv.Mat());
          const size = along === 'rows' ? new cv.Size(k, 1) : new cv.Size(1, k);
          cv.morphologyEx(src, out, cv.MORPH_OPEN, keep(cv.getStructuringElement(cv.MORPH_RECT, size)));
          return new Uint8Array(out.data);
        });
        assert.deepEqual(openLines(mask, width, height, k, along), expected, `${width}×${height}, k ${k}, ${along}`);
      }
  }
});

test('openLines into a mask adds its survivors to what is there (both rules in one mask)', () => {
  const [width, height] = [157, 203];
  const mask = randomMask(width, height, 3);
  const rows = openLines(mask, width, height, 30, 'rows');
  const columns = openLines(mask, width, height, 17, 'columns');
  const both = openLines(mask, width, height, 17, 'columns', openLines(mask, width, height, 30, 'rows'));
  assert.deepEqual(
    both,
    rows.map((v, i) => v | columns[i]!),
  );
});
