import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { GLYPH_VARIANTS, glyphVariantRows, type GlyphVariant } from './glyph-variants';
import { GLYPH_SIZE } from './mark-crop';

// The handwriting classifier's network and its files: models/marks/model.json (topology and
// weight specs) beside weights.bin, the ensemble's other networks in seed-k/ beside them, and
// calibration.json (the networks read together, and the softmax temperature fitted on a
// calibration split, so a confidence of 0.9 is right about 9 times in 10). TensorFlow.js on its
// WebAssembly backend (shipped inside the npm package; ~20× faster convolutions than plain
// JavaScript), or on the pure-JavaScript CPU backend where WebAssembly cannot start.

export const MODEL_DIR = path.join(__dirname, '..', '..', '..', 'models', 'marks');

/**
 * A small convolutional network over the centred 28×28 glyph (mark-crop.ts): two 3×3
 * convolution blocks, a dense layer, one logit per class. Its output is logits: the caller
 * turns them into probabilities with the calibrated temperature (markProbabilities).
 */
export function buildNetwork(classes: number, hidden = 128, seed = 7): tfl.Sequential {
  // seeded initialisers and dropout: the same training data gives the same weights
  const init = (k: number) => ({ kernelInitializer: tfl.initializers.heNormal({ seed: seed + k }) });
  const conv = (filters: number, k: number) => ({
    filters,
    kernelSize: 3,
    padding: 'same' as const,
    activation: 'relu' as const,
    ...init(k),
  });
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [GLYPH_SIZE, GLYPH_SIZE, 1], ...conv(16, 1) }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d(conv(32, 2)));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d(conv(48, 3)));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dropout({ rate: 0.3, seed: seed + 4 }));
  model.add(tfl.layers.dense({ units: hidden, activation: 'relu', ...init(5) }));
  model.add(tfl.layers.dropout({ rate: 0.3, seed: seed + 6 }));
  model.add(tfl.layers.dense({ units: classes, ...init(7) }));
  return model;
}

/** Glyphs (each GLYPH_SIZE² values, 0 paper to 1 ink) as the network's input batch. */
export function glyphBatch(flat: Float32Array, count: number): tf.Tensor4D {
  return tf.tensor4d(flat, [count, GLYPH_SIZE, GLYPH_SIZE, 1]);
}

/**
 * One network, or an ensemble of networks trained alike from other seeds: their logits are
 * averaged (as are the glyph's variants), which evens out each one's own slips.
 */
export type MarkNetwork = tfl.LayersModel | readonly tfl.LayersModel[];

function members(network: MarkNetwork): readonly tfl.LayersModel[] {
  return 'predict' in network ? [network] : network;
}

/**
 * The network's logits for `count` glyphs laid end to end, each averaged over its variants
 * (glyph-variants.ts: test-time augmentation; one batch of variants × count glyphs) and over
 * the ensemble's networks.
 */
export function markLogits(
  network: MarkNetwork,
  flat: Float32Array,
  count: number,
  variants: readonly GlyphVariant[] = GLYPH_VARIANTS,
): tf.Tensor2D {
  return tf.tidy(() => {
    const input = glyphBatch(glyphVariantRows(flat, count, variants), variants.length * count);
    const logits = members(network).map((model) => model.predict(input) as tf.Tensor2D);
    const stacked = tf.reshape(tf.stack(logits), [logits.length * variants.length, count, -1]);
    return tf.mean<tf.Tensor2D>(stacked, 0);
  });
}

/** Probabilities from the averaged logits, softened or sharpened by the calibrated temperature. */
export function markProbabilities(
  network: MarkNetwork,
  flat: Float32Array,
  count: number,
  temperature: number,
  variants?: readonly GlyphVariant[],
): tf.Tensor2D {
  return tf.tidy(() => tf.softmax(tf.div<tf.Tensor2D>(markLogits(network, flat, count, variants), temperature)));
}

export interface Calibration {
  temperature: number;
  /** the ensemble the temperature was fitted for: folders under the model folder ('.' is the folder itself) */
  members?: string[];
}

/** Where the ensemble's k-th network is kept: the model folder itself for the first, seed-k/ inside it for the others. */
export function memberDir(dir: string, k: number): string {
  return k === 0 ? dir : path.join(dir, `seed-${k}`);
}

export function readCalibration(dir = MODEL_DIR): Calibration {
  const file = path.join(dir, 'calibration.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Calibration) : { temperature: 1 };
}

export async function saveNetwork(model: tfl.LayersModel, dir = MODEL_DIR): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
      fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(weights));
      const manifest = {
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(manifest));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** The WebAssembly backend when it starts, else the CPU one. */
export async function useMarkBackend(): Promise<string> {
  if (tf.getBackend() === 'wasm') return 'wasm';
  try {
    setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
    if (await tf.setBackend('wasm')) return 'wasm';
  } catch {
    // fall through to the CPU backend
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

/** The networks calibration.json names (one when it names none), to be read together. */
export async function loadMarkNetworks(dir = MODEL_DIR): Promise<tfl.LayersModel[]> {
  const names = readCalibration(dir).members ?? ['.'];
  // one after another: the first starts the backend, which two loads at once would both try to start
  const networks: tfl.LayersModel[] = [];
  for (const name of names) networks.push(await loadNetwork(path.join(dir, name)));
  return networks;
}

export async function loadNetwork(dir = MODEL_DIR): Promise<tfl.LayersModel> {
  await useMarkBackend();
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const data = fs.readFileSync(path.join(dir, 'weights.bin'));
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: manifest.weightsManifest[0]!.weights, weightData }),
  );
}
