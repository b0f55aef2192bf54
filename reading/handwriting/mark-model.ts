import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { FEATURE_LENGTH } from './mark-features';

// The handwriting classifier's network and its files: models/marks/model.json (topology and
// weight specs) beside weights.bin. TensorFlow.js on its pure-JavaScript CPU backend: nothing
// native, nothing downloaded. Inference reads only these committed files.

export const MODEL_DIR = path.join(__dirname, '..', '..', '..', 'models', 'marks');

/**
 * A multilayer perceptron over the centred 28×28 glyph and its stroke directions (mark-features.ts). A small convolutional network was the
 * first choice, but TensorFlow.js trains convolutions only on its slow pure-JS backend (minutes
 * per thousand cells); dense layers train on its WebAssembly backend within the time budget.
 */
export function buildNetwork(classes: number, hidden = 256): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [FEATURE_LENGTH], units: hidden, activation: 'relu' }));
  model.add(tfl.layers.dropout({ rate: 0.2 }));
  model.add(tfl.layers.dense({ units: hidden / 2, activation: 'relu' }));
  model.add(tfl.layers.dropout({ rate: 0.2 }));
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax' }));
  return model;
}

export async function saveNetwork(model: tfl.LayersModel, dir = MODEL_DIR): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = artifacts.weightData as ArrayBuffer;
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(weights));
    const manifest = { modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(manifest));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

export async function loadNetwork(dir = MODEL_DIR): Promise<tfl.LayersModel> {
  await tf.setBackend('cpu');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const data = fs.readFileSync(path.join(dir, 'weights.bin'));
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: manifest.weightsManifest[0]!.weights, weightData }));
}
