import fs from 'node:fs';
import path from 'node:path';
import { choiceLetters, decide, decideAmong, decideTrueFalse, MARK_CLASSES, trueFalseValue, type MarkClass } from '../../domain/marks';
import { TABLE_LOW_CONFIDENCE } from '../../domain/table-answers';
import { GLYPH_SIZE } from '../../reading/handwriting/mark-crop';
import type { GlyphVariant } from '../../reading/handwriting/glyph-variants';
import { markProbabilities, type MarkNetwork } from '../../reading/handwriting/mark-model';
import type { MarkSet } from './dataset';

// Accuracy of a classifier on a labelled set: over all classes, per class, as the table
// reader uses it (a choice cell among A–H, a true/false cell as T or F, a digit among digits),
// how honest its confidence is there, and the confusion matrix.

export interface Evaluation {
  accuracy: number;
  /** correct: the top class over all classes; inCell: read as its kind of cell reads it */
  perClass: Record<string, { n: number; correct: number; inCell: number; inFour: number }>;
  kinds: { letters: number; lettersAD: number; lettersAH: number; truefalse: number; tfLetters: number; ticks: number; digits: number };
  /** cell readings: flagged (confidence below the table's threshold), wrong and not flagged, expected calibration error */
  confidence: { reads: number; flagged: number; wrong: number; wrongUnflagged: number; ece: number };
  confusion: number[][];
}

/** Class probabilities of every cell of the set, at the given softmax temperature. */
export function predictAll(model: MarkNetwork, set: MarkSet, temperature = 1, variants?: readonly GlyphVariant[]): Float32Array[] {
  const out: Float32Array[] = [];
  for (let start = 0; start < set.count; start += 256) {
    const n = Math.min(256, set.count - start);
    const probs = markProbabilities(model, glyphRows(set, start, n), n, temperature, variants);
    const flat = probs.dataSync() as Float32Array;
    probs.dispose();
    for (let i = 0; i < n; i++) out.push(flat.slice(i * MARK_CLASSES.length, (i + 1) * MARK_CLASSES.length));
  }
  return out;
}

/** A cell of the class's kind read as the table reader reads it: right or not, and how sure. */
function readInCell(p: Float32Array, truth: MarkClass): { ok: boolean; confidence: number } {
  const value = trueFalseValue(truth);
  if (value && truth !== 'F') {
    const d = decideTrueFalse(p);
    return { ok: d.value === value, confidence: d.confidence };
  }
  const d = decide(p, truth === 'blank' ? 'any' : /^[0-9]$/.test(truth) ? 'digit' : 'letter');
  return { ok: d.label === (truth === 'blank' ? null : truth), confidence: d.confidence };
}

export function evaluate(model: MarkNetwork, set: MarkSet, temperature = 1, variants?: readonly GlyphVariant[]): Evaluation {
  return evaluateProbabilities(predictAll(model, set, temperature, variants), set);
}

/** The evaluation of class probabilities already computed for every cell of the set. */
export function evaluateProbabilities(probs: Float32Array[], set: MarkSet): Evaluation {
  const confusion = MARK_CLASSES.map(() => MARK_CLASSES.map(() => 0));
  const perClass: Evaluation['perClass'] = {};
  const kind = {
    letters: [0, 0],
    lettersAD: [0, 0],
    lettersAH: [0, 0],
    truefalse: [0, 0],
    tfLetters: [0, 0],
    ticks: [0, 0],
    digits: [0, 0],
  };
  const reads: { ok: boolean; confidence: number }[] = [];
  let correct = 0;
  probs.forEach((p, i) => {
    const truth = MARK_CLASSES[set.y[i]!]!;
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    confusion[set.y[i]!]![best]!++;
    const stat = (perClass[truth] ??= { n: 0, correct: 0, inCell: 0, inFour: 0 });
    stat.n++;
    if (best === set.y[i]) {
      stat.correct++;
      correct++;
    }
    const read = readInCell(p, truth);
    // F is a letter in a choice cell and "false" in a true/false cell: both count
    const asFalse = truth === 'F' ? decideTrueFalse(p).value === 'F' : read.ok;
    stat.inCell += read.ok ? 1 : 0;
    reads.push(read);
    if ('ABCD'.includes(truth)) tally(kind.letters, read.ok);
    // a four-option choice question: read among its options A–D (domain/table-answers.ts)
    const amongFour = decideAmong(p, choiceLetters(4)).label === truth;
    if ('ABCD'.includes(truth)) {
      tally(kind.lettersAD, amongFour);
      stat.inFour += amongFour ? 1 : 0;
    }
    if ('ABCDEFGH'.includes(truth)) tally(kind.lettersAH, read.ok);
    if (trueFalseValue(truth)) tally(kind.truefalse, asFalse);
    if (truth === 'T' || truth === 'F') tally(kind.tfLetters, asFalse);
    if (truth === '√' || truth === '×') tally(kind.ticks, read.ok);
    if (/^[0-9]$/.test(truth)) tally(kind.digits, read.ok);
  });
  const rate = (t: number[]) => (t[1] ? t[0]! / t[1] : 0);
  return {
    accuracy: correct / probs.length,
    perClass,
    confusion,
    confidence: confidenceStats(reads),
    kinds: {
      letters: rate(kind.letters),
      lettersAD: rate(kind.lettersAD),
      lettersAH: rate(kind.lettersAH),
      truefalse: rate(kind.truefalse),
      tfLetters: rate(kind.tfLetters),
      ticks: rate(kind.ticks),
      digits: rate(kind.digits),
    },
  };
}

/** Flagged and wrong-but-sure counts at the table's threshold, and the calibration error over 10 bins. */
function confidenceStats(reads: { ok: boolean; confidence: number }[]): Evaluation['confidence'] {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, ok: 0, conf: 0 }));
  let flagged = 0,
    wrong = 0,
    wrongUnflagged = 0;
  for (const r of reads) {
    const low = r.confidence < TABLE_LOW_CONFIDENCE;
    if (low) flagged++;
    if (!r.ok) {
      wrong++;
      if (!low) wrongUnflagged++;
    }
    const b = bins[Math.min(9, Math.floor(r.confidence * 10))]!;
    b.n++;
    b.ok += r.ok ? 1 : 0;
    b.conf += r.confidence;
  }
  const ece = bins.reduce((s, b) => s + (b.n ? Math.abs(b.ok - b.conf) : 0), 0) / Math.max(1, reads.length);
  return { reads: reads.length, flagged, wrong, wrongUnflagged, ece };
}

function tally(t: number[], ok: boolean): void {
  t[0]! += ok ? 1 : 0;
  t[1]!++;
}

const VARIANTS_NOTE = ' (itself and moved 1 px each way; reading/handwriting/glyph-variants.ts).';

export function writeReport(
  dir: string,
  e: Evaluation,
  run: {
    /** each member's training recipe (scripts/marks/train.ts) and its training cells */
    recipes: string[];
    trainCells: number[];
    testCells: number;
    calibrationCells: number;
    temperature: number;
    epochs: number;
    seconds: number;
    variants: number;
    /** networks in the ensemble, each trained on its trainCells for the epochs */
    members: number;
  },
): void {
  fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ ...run, ...e, classes: MARK_CLASSES }, null, 1));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const share = (c: string, k: 'correct' | 'inCell' | 'inFour') => pct((e.perClass[c]?.[k] ?? 0) / Math.max(1, e.perClass[c]?.n ?? 0));
  const amongFour = (c: string) => ('ABCD'.includes(c) ? share(c, 'inFour') : '');
  const rows = MARK_CLASSES.map(
    (c) => `| ${c} | ${e.perClass[c]?.n ?? 0} | ${share(c, 'inCell')} | ${amongFour(c)} | ${share(c, 'correct')} |`,
  );
  const cf = e.confidence;
  const header = `| truth \\ read | ${MARK_CLASSES.join(' | ')} |`;
  const confusion = MARK_CLASSES.map(
    (c, i) => `| **${c}** | ${e.confusion[i]!.map((n, j) => (n === 0 ? '' : i === j ? `${n}` : `**${n}**`)).join(' | ')} |`,
  );
  const md = [
    '# Handwriting classifier — training report',
    '',
    `Written by \`npm run train:marks\` (scripts/marks/train.ts). ${run.members === 1 ? 'One network' : `An ensemble of ${run.members} networks (own seeds, logits averaged)`}, recipes ${run.recipes.join(', ')}: ${run.trainCells.join(', ')} training cells and ${run.epochs} epochs each, ${(run.seconds / run.members).toFixed(0)} s on one core per network.`,
    `Held-out test set: ${run.testCells} cells from fonts, MNIST samples and seeds training never saw (scripts/marks/glyph-sources.ts).`,
    `Calibration: softmax temperature ${run.temperature}, fitted on ${run.calibrationCells} other held-out cells (own seed; neither training nor test).`,
    `Reading: ${run.variants === 1 ? 'each glyph once.' : `each glyph in ${run.variants} variants, logits averaged${VARIANTS_NOTE}`}`,
    '',
    `- A–D in a choice cell read among A–H (the template lists no options): **${pct(e.kinds.letters)}**; A–H: **${pct(e.kinds.lettersAH)}**`,
    `- A–D in a four-option choice question's cell (read among its options A–D): **${pct(e.kinds.lettersAD)}**`,
    `- T/F/√/×/对/错 in a true/false cell (read as T or F): **${pct(e.kinds.truefalse)}** — T/F written as letters **${pct(e.kinds.tfLetters)}**, √/× **${pct(e.kinds.ticks)}**`,
    `- digits in a number cell (read among 0–9): **${pct(e.kinds.digits)}**`,
    `- all ${MARK_CLASSES.length} classes, top class over all of them: ${pct(e.accuracy)}`,
    `- confidence (calibrated): ${cf.flagged} of ${cf.reads} cell readings flagged low_confidence (< ${TABLE_LOW_CONFIDENCE}); ${cf.wrong} wrong, of which **${cf.wrongUnflagged} not flagged**; expected calibration error ${(cf.ece * 100).toFixed(1)}%`,
    '',
    '| class | test cells | read in its cell | among A–D (four options) | top class over all |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    "## Confusion matrix (rows: truth, columns: the classifier's top class over all classes; errors in bold)",
    '',
    header,
    `|---|${MARK_CLASSES.map(() => '---').join('|')}|`,
    ...confusion,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'REPORT.md'), md);
}

/** The glyphs of cells start … start+n−1, one after another. */
export function glyphRows(set: MarkSet, start: number, n: number): Float32Array {
  const size = GLYPH_SIZE * GLYPH_SIZE;
  return set.x.subarray(start * size, (start + n) * size);
}
