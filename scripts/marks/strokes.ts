import type { MarkClass } from '../../domain/marks';
import { rng as fixtureRng } from '../../test/fixtures/generator';
import type { Ink } from './glyph-sources';

// Pen trajectories drawn here: a tick, a cross, T, F, 1, 7 as a hurried hand writes them —
// endpoints that wander, bowed strokes, overshoot, a hook where the pen lands.

export type Rng = () => number;

/** The fixtures' seeded generator (mulberry32), so every data set is reproducible from its seed. */
export const seeded: (seed: number) => Rng = fixtureRng;

type Pt = [number, number];
const SIZE = 64;

const jitter = (rng: Rng, p: Pt, s: number): Pt => [p[0] + (rng() - 0.5) * s, p[1] + (rng() - 0.5) * s];

/** A stroke from a to b, bowed sideways by up to `bow`, as a few points. */
function bowed(rng: Rng, a: Pt, b: Pt, bow: number): Pt[] {
  const k = (rng() - 0.5) * 2 * bow;
  const nx = -(b[1] - a[1]),
    ny = b[0] - a[0];
  const pts: Pt[] = [];
  for (let i = 0; i <= 8; i++) {
    const t = i / 8;
    const off = k * 4 * t * (1 - t);
    pts.push([a[0] + (b[0] - a[0]) * t + nx * off, a[1] + (b[1] - a[1]) * t + ny * off]);
  }
  return pts;
}

function trajectories(cls: MarkClass, rng: Rng): Pt[][] {
  const j = (p: Pt, s = 0.12) => jitter(rng, p, s);
  switch (cls) {
    case '√': {
      const start = j([0.08, 0.55], 0.15);
      const bottom = j([0.35, 0.95], 0.15);
      const end = j([0.95, 0.05], 0.2);
      const hook: Pt[] = rng() < 0.4 ? [[start[0] - 0.06, start[1] + 0.05]] : [];
      return [[...hook, ...bowed(rng, start, bottom, 0.15), ...bowed(rng, bottom, end, 0.12).slice(1)]];
    }
    case '×':
      return [bowed(rng, j([0.1, 0.1]), j([0.9, 0.9]), 0.12), bowed(rng, j([0.9, 0.1]), j([0.1, 0.9]), 0.12)];
    case 'T': {
      const y = 0.08 + rng() * 0.1;
      const x = 0.5 + (rng() - 0.5) * 0.15;
      return [bowed(rng, j([0.12, y], 0.08), j([0.88, y], 0.08), 0.08), bowed(rng, j([x, y], 0.05), j([x, 0.95], 0.1), 0.08)];
    }
    case 'F': {
      const x = 0.25 + rng() * 0.1;
      const mid = 0.45 + rng() * 0.1;
      return [
        bowed(rng, j([x, 0.06], 0.05), j([x, 0.95], 0.08), 0.06),
        bowed(rng, j([x, 0.06], 0.04), j([0.85, 0.06], 0.1), 0.08),
        bowed(rng, j([x, mid], 0.04), j([0.7, mid], 0.12), 0.08),
      ];
    }
    case '1':
      return rng() < 0.5
        ? [bowed(rng, j([0.5, 0.05], 0.1), j([0.5, 0.95], 0.1), 0.05)]
        : [[j([0.3, 0.2], 0.08), ...bowed(rng, j([0.5, 0.05], 0.05), j([0.5, 0.95], 0.1), 0.05)]];
    case '7': {
      const corner = j([0.85, 0.08], 0.08);
      return [[j([0.15, 0.08], 0.08), ...bowed(rng, corner, j([0.4, 0.95], 0.15), 0.1)]];
    }
    default:
      throw new Error(`no strokes for ${cls}`);
  }
}

/** The class drawn with a round pen of random width into a SIZE×SIZE ink image. */
export function drawStrokes(cls: MarkClass, rng: Rng): Ink {
  const data = new Float32Array(SIZE * SIZE);
  const radius = 1.5 + rng() * 3;
  for (const stroke of trajectories(cls, rng)) {
    const pts = stroke.map(([x, y]) => [4 + x * (SIZE - 8), 4 + y * (SIZE - 8)] as Pt);
    for (let i = 1; i < pts.length; i++) segment(data, pts[i - 1]!, pts[i]!, radius);
  }
  return { data, width: SIZE, height: SIZE };
}

function segment(data: Float32Array, a: Pt, b: Pt, r: number): void {
  const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r - 1)),
    x1 = Math.min(SIZE - 1, Math.ceil(Math.max(a[0], b[0]) + r + 1));
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r - 1)),
    y1 = Math.min(SIZE - 1, Math.ceil(Math.max(a[1], b[1]) + r + 1));
  const dx = b[0] - a[0],
    dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy || 1;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
      const d = Math.hypot(x - a[0] - t * dx, y - a[1] - t * dy);
      const v = Math.max(0, Math.min(1, r + 0.5 - d));
      const i = y * SIZE + x;
      if (v > data[i]!) data[i] = v;
    }
}
