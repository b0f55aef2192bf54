import { project, type Homography } from './homography';
import { darknessAt, type PageImage } from '../page-image';

// Reading bubbles by how filled they are compared with the sheet's own empty bubbles.
//
// Each bubble's inner disc is sampled on a grid through the registration. Its `fill` is the
// soft share of pixels darker than faint residue; what an empty bubble of the same label shows
// (its printed letter, the ring bleeding in after a blur) is subtracted. Fills of all bubbles
// on the page are then split at their largest gap (OMRChecker's idea), so the threshold follows
// this sheet's pencil, paper and light. Besides the fill, the share of clearly dark pixels
// (`core`) and the mean darkness tell an erased mark (lighter residue over the whole disc) and a
// stray stroke (a thin dark line across part of it) from a mark.

export interface BubbleSpot {
  x: number;
  y: number;
  r: number;
  label: string;
}
export interface BubbleMeasure {
  fill: number;
  core: number;
  mean: number;
}
export interface BubbleVerdict extends BubbleMeasure {
  marked: boolean;
  margin: number;
  kind: 'mark' | 'faint' | 'erased' | 'stray' | 'empty';
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

const INNER = 0.72; // share of the radius sampled: clear of the printed ring
const GRID = 9;
// Darkness on the scale where the printed markers read 0.85 (see inkScale): an erasure leaves
// up to ~0.2, pencil pressed on paper is 0.35 and more.
const RESIDUE = 0.2;
const INK = 0.34;
const MARKER_BLACK = 0.85;

/**
 * The factor that puts this picture's darkness on the sheet's own scale: the printed black of the
 * corner markers reads MARKER_BLACK. A dim photo or a washed-out copy compresses all darkness.
 */
export function inkScale(img: PageImage, h: Homography, markers: { x: number; y: number; size: number }[]): number {
  const values: number[] = [];
  for (const m of markers)
    for (const fx of [0.35, 0.5, 0.65])
      for (const fy of [0.35, 0.5, 0.65]) {
        const p = project(h, m.x + m.size * fx, m.y + m.size * fy);
        values.push(darknessAt(img, p.x, p.y));
      }
  const black = median(values);
  return Math.min(1.6, Math.max(0.85, MARKER_BLACK / Math.max(black, 0.1)));
}

function measureBubble(img: PageImage, h: Homography, b: BubbleSpot, scale = 1): BubbleMeasure {
  let soft = 0;
  let core = 0;
  let mean = 0;
  let n = 0;
  const step = (2 * INNER * b.r) / (GRID - 1);
  for (let i = 0; i < GRID; i++) {
    const dy = -INNER * b.r + i * step;
    for (let j = 0; j < GRID; j++) {
      const dx = -INNER * b.r + j * step;
      if (dx * dx + dy * dy > INNER * INNER * b.r * b.r * 1.0001) continue;
      const p = project(h, b.x + dx, b.y + dy);
      const d = darknessAt(img, p.x, p.y) * scale;
      soft += Math.min(1, Math.max(0, (d - RESIDUE) / (INK - RESIDUE)));
      if (d > INK) core++;
      mean += d;
      n++;
    }
  }
  return { fill: soft / n, core: core / n, mean: mean / n };
}

/** Subtracts what an empty bubble of the same label shows on this page (its letter). */
export function againstEmpty(spots: BubbleSpot[], measures: BubbleMeasure[]): BubbleMeasure[] {
  const byLabel = new Map<string, number[]>();
  spots.forEach((s, i) => {
    const list = byLabel.get(s.label) ?? [];
    list.push(i);
    byLabel.set(s.label, list);
  });
  const overall = { fill: median(measures.map((m) => m.fill)), mean: median(measures.map((m) => m.mean)) };
  const base = new Map<string, { fill: number; mean: number }>();
  for (const [label, idx] of byLabel) {
    // most bubbles of a label are empty, so their median is the empty look (with too few, the page's)
    const m =
      idx.length >= 5 ? { fill: median(idx.map((i) => measures[i]!.fill)), mean: median(idx.map((i) => measures[i]!.mean)) } : overall;
    base.set(label, { fill: Math.min(m.fill, overall.fill + 0.1), mean: Math.min(m.mean, overall.mean + 0.05) });
  }
  return measures.map((m, i) => {
    const b = base.get(spots[i]!.label)!;
    return { fill: m.fill - b.fill, core: m.core, mean: m.mean - b.mean };
  });
}

const MIN_GAP = 0.18;
const DEFAULT_THRESHOLD = 0.45;

/** The page's fill threshold: the middle of the largest gap between sorted fills. */
export function fillThreshold(fills: number[]): { threshold: number; gap: number } {
  const s = fills.filter((f) => f > 0.06).sort((a, b) => a - b);
  s.unshift(0.06);
  let best = { threshold: DEFAULT_THRESHOLD, gap: 0 };
  for (let i = 0; i + 1 < s.length; i++) {
    const gap = s[i + 1]! - s[i]!;
    const mid = (s[i]! + s[i + 1]!) / 2;
    // a real split between marks and no marks lies in the middle of the scale
    if (mid < 0.2 || mid > 0.75) continue;
    if (gap > best.gap) best = { threshold: mid, gap };
  }
  if (best.gap < MIN_GAP) return { threshold: DEFAULT_THRESHOLD, gap: best.gap };
  return best;
}

export function judge(m: BubbleMeasure, threshold: number): BubbleVerdict {
  const marked = m.fill > threshold;
  const margin = Math.min(1, Math.abs(m.fill - threshold) / 0.25);
  let kind: BubbleVerdict['kind'];
  if (marked) kind = m.fill < threshold + 0.15 || m.mean < 0.3 ? 'faint' : 'mark';
  else if (m.core >= 0.04) kind = 'stray';
  else if (m.mean > 0.06) kind = 'erased';
  else kind = 'empty';
  return { ...m, marked, margin, kind };
}

export function measureAll(img: PageImage, h: Homography, spots: BubbleSpot[], scale = 1): BubbleMeasure[] {
  return againstEmpty(
    spots,
    spots.map((s) => measureBubble(img, h, s, scale)),
  );
}
