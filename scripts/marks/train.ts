import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MARK_CLASSES } from '../../domain/marks';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GLYPH_VARIANTS } from '../../reading/handwriting/glyph-variants';
import {
  buildNetwork,
  glyphBatch,
  loadNetwork,
  memberDir,
  MODEL_DIR,
  saveNetwork,
  useMarkBackend,
} from '../../reading/handwriting/mark-model';
import { fitTemperature } from './calibrate';
import { buildSet, SPLIT_SEED, type MarkSet, type SetRecipe } from './dataset';
import { evaluate, writeReport } from './report';
import { seeded } from './strokes';
import { registerWasmConvGradients } from './wasm-conv-grad';

// npm run train:marks — makes the training set offline (fonts, MNIST, drawn strokes, heavy
// augmentation), trains the classifier's networks one after another on one CPU core (an ensemble:
// each from its own seeds, their logits averaged when reading), fits the temperature on a
// calibration split, checks the ensemble on the held-out test set and writes
// models/marks/{model.json, weights.bin, seed-k/, calibration.json, REPORT.md, report.json}.
// Same seeds, same data, same weights.
// Options (env): MARKS_OUT (default models/marks), MARKS_PER_CLASS (default 1500), MARKS_EPOCHS (default 8),
// MARKS_TEST_PER_CLASS (default 200), MARKS_CALIBRATION_PER_CLASS (default 80), MARKS_HIDDEN (dense units, default 128),
// MARKS_MEMBERS (networks in the ensemble, default 5), MARKS_RECIPE (train every network by this recipe, see RECIPES), MARKS_ONLY_MEMBER=k (train and save the k-th network alone,
// no report: to train members in separate processes), MARKS_CHECK_ONLY=1 (no training: calibrate and report the
// ensemble already in MARKS_OUT),
// MARKS_TTA=0 (read each glyph once, without the test-time variants of glyph-variants.ts, for comparison).

const PER_CLASS = Number(process.env.MARKS_PER_CLASS ?? 1500);
const EPOCHS = Number(process.env.MARKS_EPOCHS ?? 8);
const TEST_PER_CLASS = Number(process.env.MARKS_TEST_PER_CLASS ?? 200);
const CALIBRATION_PER_CLASS = Number(process.env.MARKS_CALIBRATION_PER_CLASS ?? 80);
/** where the model and report go (default models/marks) */
const OUT = process.env.MARKS_OUT ?? MODEL_DIR;
const HIDDEN = Number(process.env.MARKS_HIDDEN ?? 128);
/** the variants each glyph is read in: all of them, as the classifier reads, or (MARKS_TTA=0) the glyph alone */
const VARIANTS = process.env.MARKS_TTA === '0' ? GLYPH_VARIANTS.slice(0, 1) : GLYPH_VARIANTS;
/** the calibration split: held-out sources like the test set, other cells (its own seed) */
const CALIBRATION_SEED = 1_500_007;
const MEMBERS = Number(process.env.MARKS_MEMBERS ?? 5);
const SHUFFLE_SEED = 424_242;
/** the k-th network's seeds: its initial weights and dropout, its shuffle, its training draws (k = 0 as before ensembles) */
const memberSeeds = (k: number) => ({ network: 7 + 100 * k, shuffle: SHUFFLE_SEED + k, data: SPLIT_SEED.train + 7919 * k });

/**
 * Training recipes: `plain` (members 0–2), `varied` (a more varied hand: augment.ts HandStyle),
 * `letters` (varied, and A–D written twice as often: the letters the held-out hands misread most).
 */
const RECIPES: Record<string, SetRecipe> = {
  plain: {},
  varied: { style: { varied: true } },
  letters: { style: { varied: true }, times: { A: 2, B: 2, C: 2, D: 2 } },
};
/**
 * each member's recipe (MARKS_RECIPE overrides it, for trying one). Two `letters` networks beside the
 * three plain ones: chosen on the selection split (select.js), A–D among A–D 95.7% → 96.3%.
 */
const MEMBER_RECIPES = ['plain', 'plain', 'plain', 'letters', 'letters'];
function memberRecipe(k: number): string {
  const name = process.env.MARKS_RECIPE ?? MEMBER_RECIPES[k] ?? 'plain';
  if (!RECIPES[name]) throw new Error(`no training recipe ${name}`);
  return name;
}

function shuffled(n: number, rng: () => number): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function tensors(set: MarkSet): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return {
    xs: glyphBatch(set.x, set.count),
    ys: tf.cast(tf.oneHot(tf.tensor1d(set.y, 'int32'), MARK_CLASSES.length), 'float32') as tf.Tensor2D,
  };
}

async function trainNetwork(train: MarkSet, seeds: { network: number; shuffle: number }, elapsed: () => string): Promise<tfl.LayersModel> {
  const model = buildNetwork(MARK_CLASSES.length, HIDDEN, seeds.network);
  const loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred);
  model.compile({ optimizer: tf.train.adam(0.002), loss, metrics: ['accuracy'] });
  const { xs, ys } = tensors(train);
  // shuffled by the seeded generator (fit's own shuffle is not seedable), one epoch at a time
  const order = seeded(seeds.shuffle);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    // a lower step for the last quarter of the epochs, to settle
    if (epoch === Math.ceil(EPOCHS * 0.75)) (model.optimizer as unknown as { learningRate: number }).learningRate = 0.0006;
    const indices = tf.tensor1d(shuffled(train.count, order), 'int32');
    const [ex, ey] = [tf.gather(xs, indices), tf.gather(ys, indices)];
    const h = await model.fit(ex, ey, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0, yieldEvery: 'never' });
    tf.dispose([indices, ex, ey]);
    console.log(
      `epoch ${epoch + 1}/${EPOCHS}: loss ${(h.history.loss![0] as number).toFixed(4)}, accuracy ${(h.history.acc![0] as number).toFixed(4)} (${elapsed()})`,
    );
  }
  tf.dispose([xs, ys]);
  return model;
}

/** Temperature from the calibration split, then the report from the test split. */
async function calibrateAndReport(
  model: tfl.LayersModel[],
  run: { recipes: string[]; trainCells: number[]; epochs: number; seconds: () => number },
): Promise<void> {
  const calibration = await buildSet('test', CALIBRATION_PER_CLASS, CALIBRATION_SEED);
  const test = await buildSet('test', TEST_PER_CLASS, SPLIT_SEED.test);
  const { temperature, nll } = fitTemperature(model, calibration, VARIANTS);
  fs.writeFileSync(
    path.join(OUT, 'calibration.json'),
    `${JSON.stringify({ temperature, members: model.map((_, k) => path.relative(OUT, memberDir(OUT, k)) || '.'), calibrationCells: calibration.count, nll: Math.round(nll * 1e4) / 1e4 })}\n`,
  );
  const result = evaluate(model, test, temperature, VARIANTS);
  const seconds = run.seconds();
  writeReport(OUT, result, {
    recipes: run.recipes,
    trainCells: run.trainCells,
    testCells: test.count,
    calibrationCells: calibration.count,
    temperature,
    epochs: run.epochs,
    seconds,
    variants: VARIANTS.length,
    members: model.length,
  });
  const size = fs.statSync(path.join(OUT, 'weights.bin')).size;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(
    `test: A–D ${pct(result.kinds.letters)} (among A–D ${pct(result.kinds.lettersAD)}), A–H ${pct(result.kinds.lettersAH)}, true/false ${pct(result.kinds.truefalse)} (T/F ${pct(result.kinds.tfLetters)}, √/× ${pct(result.kinds.ticks)}), digits ${pct(result.kinds.digits)}; ` +
      `${result.confidence.wrongUnflagged} of ${result.confidence.wrong} wrong not flagged; temperature ${temperature}; weights ${(size / 1024).toFixed(0)} KiB; ${seconds.toFixed(0)} s`,
  );
}

async function main(): Promise<void> {
  // Training on the WebAssembly backend (shipped inside the package, nothing fetched), with
  // the convolution gradients it lacks made of its own fast forward convolutions.
  if ((await useMarkBackend()) !== 'wasm') throw new Error('training needs the WebAssembly backend of TensorFlow.js');
  registerWasmConvGradients();
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  if (process.env.MARKS_CHECK_ONLY === '1') {
    // the committed networks, checked again (a new report format, another calibration split, members trained apart)
    const previous = JSON.parse(fs.readFileSync(path.join(OUT, 'report.json'), 'utf8')) as {
      recipes?: string[];
      trainCells: number | number[];
      epochs: number;
      seconds: number;
      members?: number;
    };
    const model = await Promise.all(Array.from({ length: MEMBERS }, (_, k) => loadNetwork(memberDir(OUT, k))));
    // report.json's seconds are the whole run's; a report written before ensembles had one network
    const perNetwork = previous.seconds / (previous.members ?? 1);
    // a report from before recipes: every member was plain and trained on the same cells
    const recipes = previous.recipes ?? model.map((_, k) => memberRecipe(k));
    const trainCells = Array.isArray(previous.trainCells) ? previous.trainCells : model.map(() => previous.trainCells as number);
    await calibrateAndReport(model, { ...previous, recipes, trainCells, seconds: () => perNetwork * model.length });
    return;
  }
  const only = process.env.MARKS_ONLY_MEMBER;
  const [first, last] = only === undefined ? [0, MEMBERS - 1] : [Number(only), Number(only)];
  const model: tfl.LayersModel[] = [];
  const recipes: string[] = [];
  const trainCells: number[] = [];
  for (let k = first; k <= last; k++) {
    const seeds = memberSeeds(k);
    const recipe = memberRecipe(k);
    const train = await buildSet('train', PER_CLASS, seeds.data, RECIPES[recipe]);
    console.log(`network ${k + 1}/${MEMBERS} (${recipe}): ${train.count} training cells in ${elapsed()}`);
    model.push(await trainNetwork(train, seeds, elapsed));
    await saveNetwork(model[model.length - 1]!, memberDir(OUT, k));
    recipes.push(recipe);
    trainCells.push(train.count);
  }
  if (only !== undefined) return;
  await calibrateAndReport(model, { recipes, trainCells, epochs: EPOCHS, seconds: () => (Date.now() - started) / 1000 });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
