import { test } from 'node:test';
import assert from 'node:assert/strict';
import { againstEmpty, fillThreshold, judge } from '../reading/sheets/bubbles';

// The bubble verdicts on their own: the page's threshold sits in the largest gap between fills,
// a page without a clear gap falls back to a fixed threshold, empty bubbles' printed letters are
// subtracted per label, and residue and thin strokes are told apart from marks.

test('the threshold sits in the largest gap between empty and filled bubbles', () => {
  const fills = [0, 0.01, 0.02, 0.05, 0.08, 0.12, 0.19, 0.71, 0.8, 0.93, 0.97];
  const { threshold, gap } = fillThreshold(fills);
  assert.ok(threshold > 0.19 && threshold < 0.71, `threshold ${threshold}`);
  assert.ok(Math.abs(gap - 0.52) < 1e-9);
  // faint pencil on a dim photo: the gap moves down with it
  const dim = fillThreshold([0, 0.02, 0.03, 0.1, 0.5, 0.55, 0.6]);
  assert.ok(dim.threshold > 0.1 && dim.threshold < 0.5);
});

test('a blank page or one without a clear gap uses the fixed threshold', () => {
  assert.equal(fillThreshold([0, 0.01, 0.03, 0.02]).threshold, 0.45);
  assert.equal(fillThreshold([]).threshold, 0.45);
  assert.equal(fillThreshold([0.3, 0.35, 0.4, 0.45, 0.5, 0.55]).threshold, 0.45);
});

test('what an empty bubble of the same label shows is subtracted', () => {
  const spots = [...'AAAAABBBBB'].map((label, i) => ({ x: i, y: 0, r: 6, label }));
  // "B" prints darker than "A" (a grey copy), and one of each is filled
  const measures = [0.1, 0.1, 0.1, 0.1, 0.9, 0.2, 0.2, 0.95, 0.2, 0.2].map((fill) => ({ fill, core: fill > 0.5 ? 1 : 0, mean: fill / 2 }));
  const relative = againstEmpty(spots, measures);
  assert.ok(Math.abs(relative[0]!.fill) < 1e-9 && Math.abs(relative[5]!.fill) < 1e-9, 'empty bubbles read zero whatever their letter');
  assert.ok(Math.abs(relative[4]!.fill - 0.8) < 1e-9 && Math.abs(relative[7]!.fill - 0.75) < 1e-9);
});

test('marks, faint marks, erasures and stray strokes', () => {
  assert.equal(judge({ fill: 0.95, core: 1, mean: 0.6 }, 0.4).kind, 'mark');
  assert.equal(judge({ fill: 0.5, core: 0.3, mean: 0.28 }, 0.4).kind, 'faint');
  assert.equal(judge({ fill: 0.05, core: 0, mean: 0.12 }, 0.4).kind, 'erased'); // lighter residue all over
  assert.equal(judge({ fill: 0.15, core: 0.12, mean: 0.08 }, 0.4).kind, 'stray'); // a thin dark line across
  assert.equal(judge({ fill: 0.01, core: 0, mean: 0.01 }, 0.4).kind, 'empty');
  const firm = judge({ fill: 0.95, core: 1, mean: 0.6 }, 0.4);
  const close = judge({ fill: 0.45, core: 0.5, mean: 0.3 }, 0.4);
  assert.ok(firm.marked && close.marked && firm.margin > close.margin, 'confidence grows with the distance from the threshold');
});
