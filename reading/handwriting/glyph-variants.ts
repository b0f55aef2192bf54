import { GLYPH_SIZE } from './mark-crop';

// Test-time augmentation: the network reads each 28×28 glyph a few times, slightly moved,
// and its logits are averaged (mark-model.ts, markLogits). A letter whose
// reading hangs on one pixel of placement (B against 8, A against D) is read by the consensus.
// The variants are fixed, so the same crop always gives the same reading.

export interface GlyphVariant {
  dx: number;
  dy: number;
  scale: number;
  degrees: number;
}

// The glyph and its eight neighbours one pixel away. Measured on the held-out set (REPORT.md):
// these shifts help; ±10% scale and ±5° turns did not (A–D among A–D 96.0% with them, 96.4% without).
export const GLYPH_VARIANTS: readonly GlyphVariant[] = [
  { dx: 0, dy: 0, scale: 1, degrees: 0 },
  ...[-1, 0, 1].flatMap((dy) => [-1, 0, 1].filter((dx) => dx !== 0 || dy !== 0).map((dx) => ({ dx, dy, scale: 1, degrees: 0 }))),
];

/** The glyph moved, scaled about its centre and turned (bilinear; outside the glyph is paper). */
export function warpGlyph(glyph: Float32Array, v: GlyphVariant): Float32Array {
  if (v.dx === 0 && v.dy === 0 && v.scale === 1 && v.degrees === 0) return glyph;
  const n = GLYPH_SIZE,
    c = (n - 1) / 2;
  const a = (v.degrees * Math.PI) / 180;
  const cos = Math.cos(a) / v.scale,
    sin = Math.sin(a) / v.scale;
  const out = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      // where this output pixel comes from: the inverse of move ∘ turn ∘ scale
      const ux = x - c - v.dx,
        uy = y - c - v.dy;
      out[y * n + x] = sample(glyph, c + cos * ux + sin * uy, c - sin * ux + cos * uy);
    }
  }
  return out;
}

function sample(g: Float32Array, x: number, y: number): number {
  const n = GLYPH_SIZE;
  const x0 = Math.floor(x),
    y0 = Math.floor(y),
    fx = x - x0,
    fy = y - y0;
  const at = (px: number, py: number) => (px < 0 || py < 0 || px >= n || py >= n ? 0 : g[py * n + px]!);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** `count` glyphs laid end to end, as every variant of them: variant-major, count glyphs per variant. */
export function glyphVariantRows(flat: Float32Array, count: number, variants: readonly GlyphVariant[] = GLYPH_VARIANTS): Float32Array {
  const size = GLYPH_SIZE * GLYPH_SIZE;
  const out = new Float32Array(variants.length * count * size);
  variants.forEach((v, k) => {
    for (let i = 0; i < count; i++) out.set(warpGlyph(flat.subarray(i * size, (i + 1) * size), v), (k * count + i) * size);
  });
  return out;
}
