import type { GreyImage } from '../../reading/handwriting/mark-crop';
import type { Ink } from './glyph-sources';
import type { Rng } from './strokes';

// One glyph written into one answer cell as a scan or photo shows it: size, slant, rotation
// and elastic wobble of the hand; pen or pencil (grainy, light); stroke width; the printed
// grid lines at the cell's edges, cut off and slanted by an imperfect crop; paper tone,
// shading, sensor noise, blur and resampling.

const range = (rng: Rng, a: number, b: number) => a + (b - a) * rng();

/**
 * How far the hand may stray. `varied` (one ensemble member's recipe, train.ts) writes more
 * italic, more wobbly, narrower or wider, and now and then with a broad brush: the held-out
 * hands misread most (A as D, B as 8) are the slanted and brush-written ones. Off, the random
 * draws are exactly those of the plain recipe, so the test and calibration sets never change.
 */
export interface HandStyle {
  varied?: boolean;
}

interface Cell {
  w: number;
  h: number;
  ink: Float32Array;
}

export function writeCell(glyph: Ink | null, rng: Rng, style: HandStyle = {}): GreyImage {
  const h = Math.round(range(rng, 26, 72));
  const w = Math.round(h * range(rng, 0.9, 2.1));
  const cell: Cell = { w, h, ink: new Float32Array(w * h) };
  if (glyph) placeGlyph(cell, glyph, rng, style);
  else if (rng() < 0.5) specks(cell, rng);
  thickness(cell, rng);
  if (style.varied && glyph && rng() < 0.2) thickness(cell, () => 0);
  return paper(cell, rng);
}

function inkBox(g: Ink): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = g.width,
    y0 = g.height,
    x1 = 0,
    y1 = 0;
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++)
      if (g.data[y * g.width + x]! > 0.3) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
  return x1 >= x0 ? { x0, y0, x1, y1 } : { x0: 0, y0: 0, x1: g.width - 1, y1: g.height - 1 };
}

/** The glyph as ink (0–1) in a w×h box, as writeCell places it: for drawing answers onto a page. */
export function glyphInk(glyph: Ink, w: number, h: number, rng: Rng): Float32Array {
  const cell: Cell = { w, h, ink: new Float32Array(w * h) };
  placeGlyph(cell, glyph, rng);
  thickness(cell, rng);
  return cell.ink;
}

/** Affine (scale, rotation, slant) plus a smooth random displacement field, sampled bilinearly. */
function placeGlyph(cell: Cell, g: Ink, rng: Rng, style: HandStyle = {}): void {
  const box = inkBox(g);
  const gw = box.x1 - box.x0 + 1,
    gh = box.y1 - box.y0 + 1;
  const target = cell.h * range(rng, 0.4, 0.8);
  const s = Math.min(target / gh, (cell.w * 0.8) / gw);
  const varied = style.varied === true;
  const sx = s * (varied ? range(rng, 0.7, 1.3) : range(rng, 0.85, 1.15));
  const rot = range(rng, -0.22, 0.22);
  const shear = varied ? range(rng, -0.6, 0.5) : range(rng, -0.4, 0.35);
  const cos = Math.cos(rot),
    sin = Math.sin(rot);
  // where the glyph's centre lands: anywhere, but mostly near the middle
  const cx = cell.w / 2 + range(rng, -0.1, 0.1) * cell.w;
  const cy = cell.h / 2 + range(rng, -0.06, 0.06) * cell.h;
  const gcx = (box.x0 + box.x1) / 2,
    gcy = (box.y0 + box.y1) / 2;
  const field = elasticField(rng, cell.w, cell.h, range(rng, 0, varied ? 0.1 : 0.06) * cell.h);
  for (let v = 0; v < cell.h; v++)
    for (let u = 0; u < cell.w; u++) {
      const du = u - cx + field.dx(u, v),
        dv = v - cy + field.dy(u, v);
      // inverse of: rotate(shear(scale(p)))
      const rx = cos * du + sin * dv,
        ry = -sin * du + cos * dv;
      const yy = ry / s;
      const xx = (rx - shear * ry) / sx;
      cell.ink[v * cell.w + u] = sample(g, gcx + xx, gcy + yy);
    }
}

function sample(g: Ink, x: number, y: number): number {
  const x0 = Math.floor(x),
    y0 = Math.floor(y);
  if (x0 < 0 || y0 < 0 || x0 + 1 >= g.width || y0 + 1 >= g.height) return 0;
  const fx = x - x0,
    fy = y - y0,
    i = y0 * g.width + x0;
  return (g.data[i]! * (1 - fx) + g.data[i + 1]! * fx) * (1 - fy) + (g.data[i + g.width]! * (1 - fx) + g.data[i + g.width + 1]! * fx) * fy;
}

function elasticField(rng: Rng, w: number, h: number, alpha: number) {
  const N = 4;
  const gx = Array.from({ length: N * N }, () => (rng() - 0.5) * 2 * alpha);
  const gy = Array.from({ length: N * N }, () => (rng() - 0.5) * 2 * alpha);
  const at = (grid: number[], u: number, v: number) => {
    const fx = (u / w) * (N - 1),
      fy = (v / h) * (N - 1);
    const x0 = Math.min(N - 2, Math.floor(fx)),
      y0 = Math.min(N - 2, Math.floor(fy));
    const tx = fx - x0,
      ty = fy - y0;
    return (
      (grid[y0 * N + x0]! * (1 - tx) + grid[y0 * N + x0 + 1]! * tx) * (1 - ty) +
      (grid[(y0 + 1) * N + x0]! * (1 - tx) + grid[(y0 + 1) * N + x0 + 1]! * tx) * ty
    );
  };
  return { dx: (u: number, v: number) => at(gx, u, v), dy: (u: number, v: number) => at(gy, u, v) };
}

/** A dot or two, or a short faint smudge: what an empty cell may hold. */
function specks(cell: Cell, rng: Rng): void {
  const n = 1 + Math.floor(rng() * 3);
  for (let k = 0; k < n; k++) {
    const x = Math.floor(rng() * cell.w),
      y = Math.floor(rng() * cell.h),
      r = range(rng, 0.6, 1.8);
    for (let v = Math.max(0, Math.floor(y - r)); v <= Math.min(cell.h - 1, y + r); v++)
      for (let u = Math.max(0, Math.floor(x - r)); u <= Math.min(cell.w - 1, x + r); u++)
        if (Math.hypot(u - x, v - y) <= r) cell.ink[v * cell.w + u] = range(rng, 0.3, 1);
  }
}

/** Wider or thinner strokes: a 3×3 max (felt pen) or min (fine pencil) filter. */
function thickness(cell: Cell, rng: Rng): void {
  const roll = rng();
  if (roll > 0.45) return;
  const grow = roll < 0.3;
  const src = cell.ink.slice();
  for (let y = 0; y < cell.h; y++)
    for (let x = 0; x < cell.w; x++) {
      let m = src[y * cell.w + x]!;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx,
            ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= cell.w || ny >= cell.h) continue;
          const v = src[ny * cell.w + nx]!;
          m = grow ? Math.max(m, v * 0.85) : Math.min(m, v + 0.35);
        }
      cell.ink[y * cell.w + x] = m;
    }
}

/** Ink on paper with grid lines, shading, grain, noise and blur; 8-bit grey like a scan. */
function paper(cell: Cell, rng: Rng): GreyImage {
  const { w, h } = cell;
  const pencil = rng() < 0.4;
  const strength = pencil ? range(rng, 0.3, 0.7) : range(rng, 0.6, 0.95);
  const tone = range(rng, 175, 250);
  const shade = range(rng, -25, 25);
  const lines = gridLines(w, h, rng);
  const noise = range(rng, 0, 10);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const grain = pencil ? range(rng, 0.65, 1) : 1;
      const dark = Math.max(Math.min(1, cell.ink[i]! * strength * grain), lines[i]!);
      const bg = tone + shade * (x / w - 0.5);
      out[i] = bg * (1 - dark) + gauss(rng) * noise;
    }
  const blurred = rng() < 0.6 ? boxBlur(out, w, h) : out;
  const data = new Uint8Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(blurred[i]!)));
  return { data, width: w, height: h };
}

/** Printed rules near each edge, 1–3 px, sometimes slanted, sometimes missing (a loose crop). */
function gridLines(w: number, h: number, rng: Rng): Float32Array {
  const lines = new Float32Array(w * h);
  const darkness = range(rng, 0.45, 0.95);
  const draw = (horizontal: boolean, at: number, width: number, slope: number) => {
    const len = horizontal ? w : h;
    for (let t = 0; t < len; t++)
      for (let k = 0; k < width; k++) {
        const pos = Math.round(at + slope * (t - len / 2)) + k;
        const [x, y] = horizontal ? [t, pos] : [pos, t];
        if (x >= 0 && y >= 0 && x < w && y < h) lines[y * w + x] = darkness;
      }
  };
  for (const [horizontal, end] of [
    [true, 0],
    [true, 1],
    [false, 0],
    [false, 1],
  ] as const) {
    if (rng() < 0.3) continue;
    const len = horizontal ? h : w;
    const width = 1 + Math.floor(rng() * 3);
    const inset = Math.floor(range(rng, -3, 4));
    const at = end === 0 ? inset : len - 1 - inset - width + 1;
    draw(horizontal, at, width, range(rng, -0.03, 0.03));
  }
  return lines;
}

function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng() + 1e-9)) * Math.cos(2 * Math.PI * rng());
}

function boxBlur(src: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0,
        n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx,
            ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const wt = dx === 0 && dy === 0 ? 4 : 1;
          s += src[ny * w + nx]! * wt;
          n += wt;
        }
      out[y * w + x] = s / n;
    }
  return out;
}
