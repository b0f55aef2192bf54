import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { registerWasmConvGradients } from '../scripts/marks/wasm-conv-grad';

// The convolution gradients the training script adds to the WebAssembly backend equal the
// reference gradients of the pure-JavaScript backend.

async function gradients(backend: string): Promise<number[][]> {
  await tf.setBackend(backend);
  const x = tf.tensor4d(
    Array.from({ length: 2 * 7 * 6 * 3 }, (_, i) => Math.sin(i * 0.7)),
    [2, 7, 6, 3],
  );
  const w = tf.tensor4d(
    Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i * 1.3)),
    [3, 3, 3, 4],
  );
  const dy = tf.tensor4d(
    Array.from({ length: 2 * 7 * 6 * 4 }, (_, i) => Math.sin(i * 0.3 + 1)),
    [2, 7, 6, 4],
  );
  const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), dy)))([
    x,
    w,
  ]);
  return [Array.from(await gx!.data()), Array.from(await gw!.data())];
}

test('the wasm backend trains 3×3 same convolutions with gradients equal to the CPU backend', async () => {
  const reference = await gradients('cpu');
  setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
  await tf.setBackend('wasm');
  registerWasmConvGradients();
  const wasm = await gradients('wasm');
  for (const k of [0, 1]) {
    assert.equal(wasm[k]!.length, reference[k]!.length);
    wasm[k]!.forEach((v, i) =>
      assert.ok(
        Math.abs(v - reference[k]![i]!) < 1e-3 * (1 + Math.abs(reference[k]![i]!)),
        `gradient ${k}[${i}]: ${v} vs ${reference[k]![i]}`,
      ),
    );
  }
});
