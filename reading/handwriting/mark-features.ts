import { GLYPH_SIZE } from './mark-crop';

// What the classifier's network is fed for one 28×28 glyph: its pixels, and a histogram of
// stroke directions per 4×4 block (HOG-like). The directions make a letter recognisable however
// thick, faint or grainy its strokes are, which plain pixels alone learn poorly.

const BLOCK = 4;
const BINS = 8;
const BLOCKS = GLYPH_SIZE / BLOCK;
export const FEATURE_LENGTH = GLYPH_SIZE * GLYPH_SIZE + BLOCKS * BLOCKS * BINS;

export function glyphFeatures(glyph: Float32Array, out = new Float32Array(FEATURE_LENGTH), offset = 0): Float32Array {
  const S = GLYPH_SIZE;
  out.set(glyph, offset);
  const hist = out.subarray(offset + S * S, offset + FEATURE_LENGTH);
  hist.fill(0);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= S || y >= S ? 0 : glyph[y * S + x]!);
  let total = 0;
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const gx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
    const gy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
    const mag = Math.hypot(gx, gy);
    if (mag < 1e-3) continue;
    // unsigned orientation in [0, π), split softly between the two nearest bins
    let angle = Math.atan2(gy, gx);
    if (angle < 0) angle += Math.PI;
    const pos = (angle / Math.PI) * BINS - 0.5;
    const lo = Math.floor(pos), frac = pos - lo;
    const base = (Math.floor(y / BLOCK) * BLOCKS + Math.floor(x / BLOCK)) * BINS;
    hist[base + ((lo + BINS) % BINS)]! += mag * (1 - frac);
    hist[base + ((lo + 1) % BINS)]! += mag * frac;
    total += mag;
  }
  // scale so that the histogram sums to about the number of blocks a glyph covers
  if (total > 0) for (let i = 0; i < hist.length; i++) hist[i] = Math.min(1, (hist[i]! / total) * 20);
  return out;
}
