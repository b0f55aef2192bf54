import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { cropRegion, linesToReread, preferSecond, rereadWeakLines, weakestWord, type ReadLine } from '../reading/ocr/ocr-reread';

// The second reading of doubtful short lines (reading/ocr/ocr-reread.ts), without a recogniser:
// which lines are picked, where they are cut out, which reading is kept.

function line(text: string, x0: number, x1: number, words: [string, number][], confidence = 85, y0 = 100): ReadLine {
  return { text, confidence, bbox: { x0, y0, x1, y1: y0 + 40 }, words: words.map(([t, c]) => ({ text: t, confidence: c })) };
}

test('weakestWord ignores words that are only punctuation', () => {
  assert.equal(
    weakestWord(
      line('答: 学而不大', 0, 300, [
        ['答', 93],
        [':', 40],
        ['学', 96],
        ['大', 63],
      ]),
    ),
    63,
  );
  assert.equal(
    weakestWord(
      line('( )', 0, 300, [
        ['(', 20],
        [')', 30],
      ]),
    ),
    100,
  );
});

test('linesToReread picks doubtful short lines, shortest first, within the per-page cap', () => {
  const lines = [
    line('A. 第一象限 B. 第二象限 C. 第三象限 D. 第四象限', 100, 1500, [['第一象限', 20]]), // long: left alone
    line('答: 学而不大', 200, 470, [
      ['答', 93],
      ['大', 63],
    ]),
    line('四、填空是', 200, 360, [['是', 40]]),
    line('答: 春风', 200, 400, [
      ['春', 95],
      ['风', 96],
    ]), // confident: left alone
    line('   ', 200, 260, [['', 0]]), // empty
    line('一、选择是', 200, 361, [['是', 57]]),
  ];
  assert.deepEqual(linesToReread(lines, 1860), [2, 5, 1]);
  assert.deepEqual(linesToReread(lines, 1860, { wordConfidence: 70, maxWidthFraction: 0.4, maxLines: 2 }), [2, 5]);
  assert.deepEqual(linesToReread(lines, 1860, { wordConfidence: 50, maxWidthFraction: 0.4, maxLines: 6 }), [2]);
  assert.deepEqual(linesToReread(lines, 1860, { wordConfidence: 70, maxWidthFraction: 1, maxLines: 6 }), [2, 5, 1, 0]);
});

test('cropRegion pads the box and clips it to the page', () => {
  assert.deepEqual(cropRegion({ x0: 100, y0: 50, x1: 300, y1: 90 }, 1000, 1000, 6), { left: 94, top: 44, width: 212, height: 52 });
  assert.deepEqual(cropRegion({ x0: 2, y0: 980, x1: 1000, y1: 1000 }, 1000, 1000, 6), { left: 0, top: 974, width: 1000, height: 26 });
  assert.equal(cropRegion({ x0: 1200, y0: 10, x1: 1300, y1: 50 }, 1000, 1000, 6), null);
});

test('preferSecond keeps the second reading only when it is more confident and not empty', () => {
  assert.equal(preferSecond({ confidence: 82 }, { text: '答: 学而不厌', confidence: 96 }), true);
  assert.equal(preferSecond({ confidence: 88 }, { text: '答: 学而不大', confidence: 88 }), false);
  assert.equal(preferSecond({ confidence: 40 }, { text: '  ', confidence: 90 }), false);
});

test('rereadWeakLines reads the picked lines from their cut-outs and keeps the better reading', async () => {
  const page = { data: new Uint8Array(1000 * 600).fill(255), width: 1000, height: 600 };
  const lines = [
    line(
      '答: 学而不大',
      100,
      370,
      [
        ['答', 93],
        ['大', 63],
      ],
      82,
      100,
    ),
    line('答: 春风', 100, 300, [['春', 95]], 95, 200),
    line('四、填空是', 100, 260, [['是', 40]], 60, 300),
  ];
  const crops: { width: number; height: number }[] = [];
  const answers = [
    { text: '四、填空题', confidence: 50 }, // less confident than the first reading: ignored
    { text: '答: 学而不厌', confidence: 96 },
  ];
  const out = await rereadWeakLines(page, lines, async (crop) => {
    const meta = await sharp(crop).metadata();
    crops.push({ width: meta.width, height: meta.height });
    return answers.shift()!;
  });
  // Shortest first; each cut-out is the box, 6 px padding and a 16 px white margin.
  assert.deepEqual(crops, [
    { width: 160 + 12 + 32, height: 40 + 12 + 32 },
    { width: 270 + 12 + 32, height: 40 + 12 + 32 },
  ]);
  assert.deepEqual(
    out.map((l) => [l.text, l.confidence]),
    [
      ['答: 学而不厌', 96],
      ['答: 春风', 95],
      ['四、填空是', 60],
    ],
  );
  assert.equal(lines[0]!.text, '答: 学而不大', 'the input is not changed');
});
