// Which bubbles of a third-party sheet are marked, from how dark each one is (0 = paper,
// 1 = black) — no empty reference sheet, no printed black to calibrate on.
//
// As a careful OMR reader does it: a page-wide threshold in the largest gap between the sorted
// darknesses of all bubbles (marks against empty bubbles on this sheet, in this light), then per
// field a local threshold where the field's own darknesses have a clear gap (a light pencil in
// one row, a shadow over one corner). Most bubbles are empty, so their median and spread give a
// floor where print and noise end: no threshold goes below it (a little below for a field whose
// gap is very clear), so a smudge in an empty row does not become a mark. A mark that only the
// local threshold sees is faint; a field whose darknesses sit close to its threshold has a low
// confidence.

export interface FieldReading {
  marked: boolean[];
  threshold: number;
  /** 0.5 (on the threshold) … 1 (every bubble far from it) */
  confidence: number;
  /** a mark lighter than the page's threshold, or barely over its own */
  faint: boolean;
}

export interface PageThreshold {
  threshold: number;
  jump: number;
  /** darker than this is more than paper, print and noise: the least a mark can be */
  floor: number;
  /** the least a mark can be in a field whose own gap is very clear */
  clearFloor: number;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

const GLOBAL_MIN_JUMP = 0.09;
const LOCAL_MIN_JUMP = 0.05;
/** a field's gap counts when it is this many times its next largest gap (the spread of its empty bubbles) */
const LOCAL_CLEAR = 2.5;
const DEFAULT_THRESHOLD = 0.4;
/** a mark is at least this much darker than an empty bubble, whatever the noise */
const MIN_CONTRAST = 0.05;
/** …and stands this many robust deviations above the empty bubbles */
const NOISE_SIGMAS = 4;
const MAX_NOISE_FLOOR = 0.12;
/** a field whose gap is very clear (this large, and VERY_CLEAR × its next gap) may go lower, to half the floor's margin */
const VERY_CLEAR_JUMP = 0.12;
const VERY_CLEAR = 4;
const LOCAL_ABOVE = 0.12;
const CONFIDENT_MARGIN = 0.18;
const FAINT_MARGIN = 0.08;

/**
 * Darkness above what an empty bubble of the same kind shows on this page (its printed letter or
 * digit): the median of bubbles sharing a key, when there are enough of them to be mostly empty.
 */
export function againstEmptyLook(darkness: number[], keys: string[]): number[] {
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => groups.set(k, [...(groups.get(k) ?? []), darkness[i]!]));
  const overall = median(darkness);
  const base = new Map([...groups].map(([k, v]) => [k, v.length >= 5 ? Math.min(median(v), overall + 0.1) : overall]));
  return darkness.map((d, i) => d - base.get(keys[i]!)! + overall);
}

/** The middle of the largest gap between sorted values (within `lo`…`hi`), the gap, and the next largest gap. */
function largestGap(values: number[], lo: number, hi: number): { mid: number; gap: number; next: number } {
  const s = [...values].sort((a, b) => a - b);
  let best = { mid: DEFAULT_THRESHOLD, gap: 0, next: 0 };
  for (let i = 0; i + 1 < s.length; i++) {
    const mid = (s[i]! + s[i + 1]!) / 2;
    const gap = s[i + 1]! - s[i]!;
    if (mid < lo || mid > hi) continue;
    if (gap > best.gap) best = { mid, gap, next: best.gap };
    else if (gap > best.next) best.next = gap;
  }
  return best;
}

/**
 * The page's threshold over every bubble's darkness (without a clear gap, a fixed level), and
 * its floor: most bubbles of a sheet are empty, so the median is the empty look and the median
 * deviation its noise.
 */
export function pageThreshold(darkness: number[]): PageThreshold {
  const empty = median(darkness);
  const spread = 1.4826 * median(darkness.map((d) => Math.abs(d - empty)));
  const margin = Math.max(MIN_CONTRAST, Math.min(MAX_NOISE_FLOOR, NOISE_SIGMAS * spread));
  const floor = empty + margin;
  const clearFloor = empty + Math.max(MIN_CONTRAST, margin / 2);
  const { mid, gap } = largestGap(darkness, floor, 0.9);
  return { threshold: gap >= GLOBAL_MIN_JUMP ? mid : Math.max(DEFAULT_THRESHOLD, floor), jump: gap, floor, clearFloor };
}

/** One field's marks against the page's threshold and its own gap. */
export function readField(darkness: number[], page: PageThreshold): FieldReading {
  let threshold = page.threshold;
  if (darkness.length >= 2) {
    const local = largestGap(darkness, 0, 0.9);
    const veryClear = local.gap >= VERY_CLEAR_JUMP && local.gap >= VERY_CLEAR * local.next;
    if (local.gap >= LOCAL_MIN_JUMP && local.gap >= LOCAL_CLEAR * local.next)
      threshold = Math.min(page.threshold + LOCAL_ABOVE, Math.max(veryClear ? page.clearFloor : page.floor, local.mid));
  }
  const marked = darkness.map((d) => d > threshold);
  const margin = Math.min(...darkness.map((d) => Math.abs(d - threshold)));
  const faint = darkness.some((d, i) => marked[i] && (d < page.threshold || d - threshold < FAINT_MARGIN));
  const confidence = 0.5 + 0.5 * Math.min(1, margin / CONFIDENT_MARGIN);
  return { marked, threshold, confidence: Math.round(confidence * 1000) / 1000, faint };
}
