import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { MARK_CLASSES, trueFalseValue } from '../../domain/marks';
import { decide } from '../../reading/handwriting/mark-classifier';
import { GLYPH_SIZE } from '../../reading/handwriting/mark-crop';
import { FEATURE_LENGTH, glyphFeatures } from '../../reading/handwriting/mark-features';
import type { MarkSet } from './dataset';

// Accuracy of a classifier on a labelled set: over all classes, per class, as the table
// reader uses it (a choice cell among A–H, a true/false cell as T or F, a digit among digits),
// and the confusion matrix.

export interface Evaluation {
  accuracy: number;
  perClass: Record<string, { n: number; correct: number }>;
  kinds: { letters: number; truefalse: number; digits: number };
  confusion: number[][];
}

export function predictAll(model: LayersModel, set: MarkSet): Float32Array[] {
  const out: Float32Array[] = [];
  for (let start = 0; start < set.count; start += 256) {
    const n = Math.min(256, set.count - start);
    const probs = tf.tidy(() => model.predict(tf.tensor2d(featureRows(set, start, n), [n, FEATURE_LENGTH])) as tf.Tensor);
    const flat = probs.dataSync() as Float32Array;
    probs.dispose();
    for (let i = 0; i < n; i++) out.push(flat.slice(i * MARK_CLASSES.length, (i + 1) * MARK_CLASSES.length));
  }
  return out;
}

export function evaluate(model: LayersModel, set: MarkSet): Evaluation {
  const probs = predictAll(model, set);
  const confusion = MARK_CLASSES.map(() => MARK_CLASSES.map(() => 0));
  const perClass: Evaluation['perClass'] = {};
  const kind = { letters: [0, 0], truefalse: [0, 0], digits: [0, 0] };
  let correct = 0;
  probs.forEach((p, i) => {
    const truth = MARK_CLASSES[set.y[i]!]!;
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    confusion[set.y[i]!]![best]!++;
    const stat = (perClass[truth] ??= { n: 0, correct: 0 });
    stat.n++;
    if (best === set.y[i]) { stat.correct++; correct++; }
    if ('ABCD'.includes(truth) && truth.length === 1) tally(kind.letters, decide(p, 'letter').label === truth);
    if (trueFalseValue(truth)) tally(kind.truefalse, trueFalseValue(decide(p, 'truefalse').label ?? ('blank')) === trueFalseValue(truth));
    if (/^[0-9]$/.test(truth)) tally(kind.digits, decide(p, 'digit').label === truth);
  });
  const rate = (t: number[]) => (t[1] ? t[0]! / t[1] : 0);
  return { accuracy: correct / probs.length, perClass, kinds: { letters: rate(kind.letters), truefalse: rate(kind.truefalse), digits: rate(kind.digits) }, confusion };
}

function tally(t: number[], ok: boolean): void {
  t[0]! += ok ? 1 : 0;
  t[1]!++;
}

export function writeReport(dir: string, e: Evaluation, run: { trainCells: number; testCells: number; epochs: number; seconds: number }): void {
  fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ ...run, ...e, classes: MARK_CLASSES }, null, 1));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rows = MARK_CLASSES.map((c) => `| ${c} | ${e.perClass[c]?.n ?? 0} | ${pct((e.perClass[c]?.correct ?? 0) / Math.max(1, e.perClass[c]?.n ?? 0))} |`);
  const header = `| truth \\ read | ${MARK_CLASSES.join(' | ')} |`;
  const confusion = MARK_CLASSES.map((c, i) => `| **${c}** | ${e.confusion[i]!.map((n, j) => (n === 0 ? '' : i === j ? `${n}` : `**${n}**`)).join(' | ')} |`);
  const md = [
    '# Handwriting classifier — training report',
    '',
    `Written by \`npm run train:marks\` (scripts/marks/train.ts). ${run.trainCells} training cells, ${run.epochs} epochs, ${run.seconds.toFixed(0)} s on one core.`,
    `Held-out test set: ${run.testCells} cells from fonts, MNIST samples and seeds training never saw (scripts/marks/glyph-sources.ts).`,
    '',
    `- all ${MARK_CLASSES.length} classes: **${pct(e.accuracy)}**`,
    `- A–D in a choice cell (read among A–H): **${pct(e.kinds.letters)}**`,
    `- T/F/√/×/对/错 in a true/false cell (read as T or F): **${pct(e.kinds.truefalse)}**`,
    `- digits in a number cell (read among 0–9): **${pct(e.kinds.digits)}**`,
    '',
    '| class | test cells | accuracy |', '|---|---|---|', ...rows,
    '',
    '## Confusion matrix (rows: truth, columns: the classifier\'s top class over all classes; errors in bold)',
    '', header, `|---|${MARK_CLASSES.map(() => '---').join('|')}|`, ...confusion, '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'REPORT.md'), md);
}

/** The network's input rows (pixels and stroke directions) of cells start … start+n−1. */
export function featureRows(set: MarkSet, start: number, n: number): Float32Array {
  const size = GLYPH_SIZE * GLYPH_SIZE;
  const rows = new Float32Array(n * FEATURE_LENGTH);
  for (let i = 0; i < n; i++) glyphFeatures(set.x.subarray((start + i) * size, (start + i + 1) * size), rows, i * FEATURE_LENGTH);
  return rows;
}
