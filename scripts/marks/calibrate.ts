import type { GlyphVariant } from '../../reading/handwriting/glyph-variants';
import { markLogits, type MarkNetwork } from '../../reading/handwriting/mark-model';
import type { MarkSet } from './dataset';
import { glyphRows } from './report';

// Temperature scaling (Guo et al., 2017): one number that divides the network's logits before
// the softmax, chosen to make the probabilities honest (lowest negative log-likelihood) on a
// calibration split that is neither training data nor the test set. It never changes which
// class wins, only how sure the reading says it is.

export function fitTemperature(model: MarkNetwork, set: MarkSet, variants?: readonly GlyphVariant[]): { temperature: number; nll: number } {
  return fitTemperatureToLogits(logitsOf(model, set, variants), set);
}

/** Every cell's logits as the classifier reads them: averaged over the glyph's variants (and the ensemble's networks). */
export function logitsOf(model: MarkNetwork, set: MarkSet, variants?: readonly GlyphVariant[]): Float32Array[] {
  const logits: Float32Array[] = [];
  for (let start = 0; start < set.count; start += 256) {
    const n = Math.min(256, set.count - start);
    const out = markLogits(model, glyphRows(set, start, n), n, variants);
    const flat = out.dataSync() as Float32Array;
    out.dispose();
    const classes = flat.length / n;
    for (let i = 0; i < n; i++) logits.push(flat.slice(i * classes, (i + 1) * classes));
  }
  return logits;
}

export function fitTemperatureToLogits(logits: Float32Array[], set: MarkSet): { temperature: number; nll: number } {
  let best = { temperature: 1, nll: Infinity };
  for (let t = 0.5; t <= 6.001; t += 0.05) {
    const nll = logits.reduce((s, l, i) => s - logSoftmaxAt(l, t, set.y[i]!), 0) / logits.length;
    if (nll < best.nll) best = { temperature: Math.round(t * 100) / 100, nll };
  }
  return best;
}

function logSoftmaxAt(logits: Float32Array, t: number, k: number): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v / t);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v / t - max);
  return logits[k]! / t - max - Math.log(sum);
}

/** Softmax of each cell's logits divided by the temperature. */
export function softmaxAll(logits: Float32Array[], t: number): Float32Array[] {
  return logits.map((l) => {
    let max = -Infinity;
    for (const v of l) max = Math.max(max, v / t);
    const p = l.map((v) => Math.exp(v / t - max));
    const sum = p.reduce((a, b) => a + b, 0);
    return p.map((v) => v / sum);
  });
}
