import path from 'node:path';
import { loadNetwork, MODEL_DIR, useMarkBackend } from '../../reading/handwriting/mark-model';
import { fitTemperature } from './calibrate';
import { buildSet } from './dataset';
import { evaluate } from './report';

// node dist/scripts/marks/select.js <folder>… — compares networks, alone and averaged together,
// on a selection split: held-out sources like the test set, but cells of their own seed, so
// choices between training recipes never look at the test set. Each folder holds one network
// (model.json and weights.bin, as train.js writes them); relative folders are under models/marks.
// MARKS_SELECT_PER_CLASS (default 300).

const SELECTION_SEED = 2_000_029;
const PER_CLASS = Number(process.env.MARKS_SELECT_PER_CLASS ?? 300);

/** every non-empty subset of the networks, singles first */
function subsets<T>(items: T[]): T[][] {
  const all: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++) all.push(items.filter((_, i) => mask & (1 << i)));
  return all.sort((a, b) => a.length - b.length);
}

async function main(): Promise<void> {
  await useMarkBackend();
  const dirs = process.argv.slice(2);
  const nets: Awaited<ReturnType<typeof loadNetwork>>[] = [];
  for (const d of dirs) nets.push(await loadNetwork(path.resolve(MODEL_DIR, d)));
  const named = dirs.map((d, i) => ({ name: d, net: nets[i]! }));
  const set = await buildSet('test', PER_CLASS, SELECTION_SEED);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  for (const group of subsets(named)) {
    const model = group.map((g) => g.net);
    const { temperature } = fitTemperature(model, set);
    const e = evaluate(model, set, temperature);
    console.log(
      `${group.map((g) => g.name).join(' + ')}: A–D among A–D ${pct(e.kinds.lettersAD)}, among A–H ${pct(e.kinds.letters)}, A–H ${pct(e.kinds.lettersAH)}, ` +
        `true/false ${pct(e.kinds.truefalse)} (T/F ${pct(e.kinds.tfLetters)}, √/× ${pct(e.kinds.ticks)}), digits ${pct(e.kinds.digits)}, all ${pct(e.accuracy)}; ` +
        `${e.confidence.wrongUnflagged} of ${e.confidence.wrong} wrong not flagged`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
