import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MARK_CLASSES } from '../../domain/marks';
import { FEATURE_LENGTH } from '../../reading/handwriting/mark-features';
import { buildNetwork, MODEL_DIR, saveNetwork } from '../../reading/handwriting/mark-model';
import { buildSet, type MarkSet } from './dataset';
import { evaluate, featureRows, writeReport } from './report';

// npm run train:marks — makes the training set offline (fonts, MNIST, drawn strokes, heavy
// augmentation), trains the classifier on one CPU core, checks it on the held-out test set and
// writes models/marks/{model.json, weights.bin, REPORT.md, report.json}. Same seeds, same data.
// Options (env): MARKS_OUT (default models/marks), MARKS_PER_CLASS (default 1200), MARKS_EPOCHS (default 18), MARKS_TEST_PER_CLASS (default 200), MARKS_HIDDEN (units of the first hidden layer, default 256).

const PER_CLASS = Number(process.env.MARKS_PER_CLASS ?? 1200);
const EPOCHS = Number(process.env.MARKS_EPOCHS ?? 18);
const TEST_PER_CLASS = Number(process.env.MARKS_TEST_PER_CLASS ?? 200);
/** where the model and report go (default models/marks) */
const OUT = process.env.MARKS_OUT ?? MODEL_DIR;
const HIDDEN = Number(process.env.MARKS_HIDDEN ?? 256);

function tensors(set: MarkSet): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return {
    xs: tf.tensor2d(featureRows(set, 0, set.count), [set.count, FEATURE_LENGTH]),
    ys: tf.cast(tf.oneHot(tf.tensor1d(set.y, 'int32'), MARK_CLASSES.length), 'float32') as tf.Tensor2D,
  };
}

async function main(): Promise<void> {
  // Training on the WebAssembly backend (shipped inside the package, nothing fetched).
  setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
  await tf.setBackend('wasm');
  const started = Date.now();
  const train = await buildSet('train', PER_CLASS);
  const test = await buildSet('test', TEST_PER_CLASS);
  console.log(`data: ${train.count} training and ${test.count} test cells in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const model = buildNetwork(MARK_CLASSES.length, HIDDEN);
  model.compile({ optimizer: tf.train.adam(0.0015), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const { xs, ys } = tensors(train);
  await model.fit(xs, ys, {
    epochs: EPOCHS, batchSize: 64, shuffle: true, verbose: 0, yieldEvery: 'never',
    callbacks: { onEpochEnd: (epoch, logs) => console.log(`epoch ${epoch + 1}/${EPOCHS}: loss ${logs?.loss?.toFixed(4)}, accuracy ${logs?.acc?.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`) },
  });
  xs.dispose(); ys.dispose();

  await saveNetwork(model, OUT);
  const result = evaluate(model, test);
  const seconds = (Date.now() - started) / 1000;
  writeReport(OUT, result, { trainCells: train.count, testCells: test.count, epochs: EPOCHS, seconds });
  const size = fs.statSync(path.join(OUT, 'weights.bin')).size;
  console.log(`test accuracy ${(result.accuracy * 100).toFixed(2)}% (all ${MARK_CLASSES.length} classes), answers A–D ${(result.kinds.letters * 100).toFixed(2)}%, true/false ${(result.kinds.truefalse * 100).toFixed(2)}%, digits ${(result.kinds.digits * 100).toFixed(2)}%; weights ${(size / 1024).toFixed(0)} KiB; ${seconds.toFixed(0)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
