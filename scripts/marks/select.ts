import path from 'node:path';
import { loadNetwork, MODEL_DIR, useMarkBackend } from '../../reading/handwriting/mark-model';
import { fitTemperatureToLogits, logitsOf, softmaxAll } from './calibrate';
import { buildSet } from './dataset';
import { evaluateProbabilities } from './report';

// node dist/scripts/marks/select.js <folder>… — compares networks, alone and averaged together,
// on a selection split: held-out sources like the test set, but cells of their own seed, so
// choices between training recipes never look at the test set. Each folder holds one network
// (model.json and weights.bin, as train.js writes them); relative folders are under models/marks.
// Each network reads the split once (its logits averaged over the glyph variants); an ensemble
// averages its networks' logits, as the classifier does. MARKS_SELECT_PER_CLASS (default 300).

const SELECTION_SEED = 2_000_029;
const PER_CLASS = Number(process.env.MARKS_SELECT_PER_CLASS ?? 300);

/** every non-empty subset of the networks, singles first */
function subsets<T>(items: T[]): T[][] {
  const all: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++) all.push(items.filter((_, i) => mask & (1 << i)));
  return all.sort((a, b) => a.length - b.length);
}

function mean(rows: Float32Array[][]): Float32Array[] {
  return rows[0]!.map((_, i) => {
    const out = new Float32Array(rows[0]![i]!.length);
    for (const r of rows) r[i]!.forEach((v, c) => (out[c]! += v / rows.length));
    return out;
  });
}

async function main(): Promise<void> {
  await useMarkBackend();
  const dirs = process.argv.slice(2);
  const set = await buildSet('test', PER_CLASS, SELECTION_SEED);
  const named: { name: string; logits: Float32Array[] }[] = [];
  for (const d of dirs) named.push({ name: d, logits: logitsOf(await loadNetwork(path.resolve(MODEL_DIR, d)), set) });
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  for (const group of subsets(named)) {
    const logits = mean(group.map((g) => g.logits));
    const { temperature } = fitTemperatureToLogits(logits, set);
    const e = evaluateProbabilities(softmaxAll(logits, temperature), set);
    const four = ['A', 'B', 'C', 'D'].map((c) => `${c} ${pct(e.perClass[c]!.inFour / e.perClass[c]!.n)}`).join(' ');
    console.log(
      `${group.map((g) => g.name).join(' + ')}: A–D among A–D ${pct(e.kinds.lettersAD)} (${four}), among A–H ${pct(e.kinds.letters)}, A–H ${pct(e.kinds.lettersAH)}, ` +
        `true/false ${pct(e.kinds.truefalse)} (T/F ${pct(e.kinds.tfLetters)}, √/× ${pct(e.kinds.ticks)}), digits ${pct(e.kinds.digits)}, all ${pct(e.accuracy)}; ` +
        `${e.confidence.wrongUnflagged} of ${e.confidence.wrong} wrong not flagged`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
